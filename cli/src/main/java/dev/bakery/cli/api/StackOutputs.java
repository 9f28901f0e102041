package dev.bakery.cli.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * A CloudFormation stack's outputs, by CloudFormation's {@code DescribeStacks} in its query protocol
 * (form-encoded POST, XML answer), signed with the SDK's SigV4 signer: the SDK's CloudFormation
 * client does not resolve from our Maven mirror, and this one call is all the CLI needs.
 */
public final class StackOutputs {

    /** The outputs the CDK app defines for the CLI. */
    public static final String REST_API_URL = "RestApiUrl";
    public static final String WEBSOCKET_URL = "WebSocketUrl";

    private StackOutputs() {
    }

    /** CloudFormation's regional endpoint; {@code AWS_ENDPOINT_URL_CLOUDFORMATION} or {@code AWS_ENDPOINT_URL} win, as in the SDKs. */
    public static URI endpoint(String region, Map<String, String> env) {
        for (String name : new String[] {"AWS_ENDPOINT_URL_CLOUDFORMATION", "AWS_ENDPOINT_URL"}) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return URI.create(value.endsWith("/") ? value : value + "/");
            }
        }
        return URI.create("https://cloudformation." + region + ".amazonaws.com" + (region.startsWith("cn-") ? ".cn" : "") + "/");
    }

    /**
     * @throws ApiException with CloudFormation's code and message (e.g. {@code ValidationError}: the stack does not exist)
     */
    public static Map<String, String> describe(Transport transport, URI endpoint, RequestSigner signer, String stackName)
            throws InterruptedException {
        byte[] body = ("Action=DescribeStacks&Version=2010-05-15&StackName="
                + URLEncoder.encode(stackName, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> response = transport.send(Transport.Call.of("POST", endpoint,
                Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), body, Duration.ofSeconds(30)), signer);
        Document xml = parse(response);
        if (response.statusCode() >= 300) {
            throw new ApiException(response.statusCode(), text(xml.getDocumentElement(), "Code", "http_" + response.statusCode()),
                    "CloudFormation DescribeStacks " + stackName + ": "
                            + text(xml.getDocumentElement(), "Message", "HTTP " + response.statusCode()), null);
        }
        Element stack = first(xml.getDocumentElement(), "member");
        if (stack == null) {
            throw new ApiException(404, "ValidationError", "CloudFormation has no stack " + stackName, null);
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        Element list = first(stack, "Outputs");
        if (list != null) {
            for (Node n = list.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element member) {
                    outputs.put(text(member, "OutputKey", ""), text(member, "OutputValue", ""));
                }
            }
        }
        outputs.put("StackStatus", text(stack, "StackStatus", ""));
        return outputs;
    }

    private static Document parse(HttpResponse<byte[]> response) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(response.body()));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new ApiException(response.statusCode(), "invalid_answer", "CloudFormation answered HTTP "
                    + response.statusCode() + " with something that is not XML", null);
        }
    }

    private static Element first(Element parent, String name) {
        var nodes = parent.getElementsByTagName(name);
        return nodes.getLength() == 0 ? null : (Element) nodes.item(0);
    }

    private static String text(Element parent, String name, String fallback) {
        Element element = first(parent, name);
        return element == null ? fallback : element.getTextContent().strip();
    }
}
