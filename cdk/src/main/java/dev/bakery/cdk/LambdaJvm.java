package dev.bakery.cdk;

/**
 * The JVM flags of every function, in a class of their own (no CDK types) so that ColdStartBench
 * compiles against the same constant and starts its probes exactly as Lambda starts the functions.
 */
public final class LambdaJvm {

    /**
     * C1 only and the serial collector: the fastest start the bench measured for these handlers. A
     * 48 MiB young generation and metaspace threshold: with the JVM's defaults for 1,024 MB (a 16 MiB
     * heap, a 21 MiB metaspace threshold) the REST handler's init and first request took about twenty
     * young collections and a full one.
     */
    public static final String JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
            + " -Xmn48m -XX:MetaspaceSize=48m";

    private LambdaJvm() {
    }
}
