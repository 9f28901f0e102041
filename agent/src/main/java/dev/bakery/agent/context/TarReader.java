package dev.bakery.agent.context;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A tar stream that also hands out the raw bytes of each entry's name and link target, so they can
 * be decoded strictly. commons-compress decodes PAX values as lenient UTF-8 (a malformed byte
 * silently becomes U+FFFD), so for PAX names the bytes are taken from the PAX records themselves;
 * ustar fields and GNU long names are decoded as ISO-8859-1, which maps each byte to one char and
 * back. It also bounds the extended headers commons-compress would otherwise buffer and recurse
 * over without limit.
 */
final class TarReader extends TarArchiveInputStream {

    /** Extended headers (PAX, GNU long name/link) allowed in front of one entry. */
    static final int MAX_EXTENDED_HEADERS = 8;
    /** Size of one extended header; real ones hold a name and a few attributes. */
    static final int MAX_EXTENDED_BYTES = 1 << 20;

    /** One entry with the raw bytes behind its name and link target. */
    record Entry(TarArchiveEntry header, byte[] rawName, byte[] rawLink) {}

    private final ByteArrayOutputStream pax = new ByteArrayOutputStream();
    private final ByteArrayOutputStream globalPax = new ByteArrayOutputStream();
    private final ByteArrayOutputStream longName = new ByteArrayOutputStream();
    private final ByteArrayOutputStream longLink = new ByteArrayOutputStream();
    private final Set<Byte> kindsSeen = new HashSet<>();
    private TarArchiveEntry extendedHeader;
    private int extendedHeaders;

    TarReader(InputStream decompressed) {
        super(decompressed, StandardCharsets.ISO_8859_1.name());
    }

    /** The next entry, or null at the end of the archive. */
    Entry next() throws IOException {
        pax.reset();
        globalPax.reset();
        longName.reset();
        longLink.reset();
        kindsSeen.clear();
        extendedHeader = null;
        extendedHeaders = 0;

        TarArchiveEntry header = getNextEntry();
        if (header == null) {
            return null;
        }
        Map<String, byte[]> global = paxRecords(globalPax.toByteArray());
        if (global.containsKey("path") || global.containsKey("linkpath")) {
            // It would rename every later entry; no real archiver writes one.
            throw UnsafeArchiveException.archive("a global PAX header sets a path");
        }
        Map<String, byte[]> local = paxRecords(pax.toByteArray());
        // GNU tar's PAX sparse files keep the real name apart; commons-compress applies it.
        String nameKey = header.isPaxGNUSparse() && local.containsKey("GNU.sparse.name") ? "GNU.sparse.name" : "path";
        byte[] name = raw(local.get(nameKey), longName, header.getName());
        byte[] link = raw(local.get("linkpath"), longLink, header.getLinkName());
        // commons-compress decided which of ustar field, GNU long name and PAX record wins; the raw
        // bytes must be the ones it used, or the strict check would vouch for some other name.
        if (!agrees(header.getName(), name, local.containsKey(nameKey))
                || !agrees(header.getLinkName(), link, local.containsKey("linkpath"))) {
            throw UnsafeArchiveException.archive("corrupt tar data (conflicting names for one entry)");
        }
        return new Entry(header, name, link);
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        TarArchiveEntry current = getCurrentEntry();
        ByteArrayOutputStream sink = current == null ? null : sinkFor(current);
        if (sink != null && current != extendedHeader) {
            startExtendedHeader(current, sink);
        }
        int n = super.read(buf, off, len);
        if (sink != null && n > 0) {
            sink.write(buf, off, n);
        }
        return n;
    }

    private ByteArrayOutputStream sinkFor(TarArchiveEntry entry) {
        if (entry.isGlobalPaxHeader()) {
            return globalPax;
        }
        if (entry.isPaxHeader()) {
            return pax;
        }
        if (entry.isGNULongNameEntry()) {
            return longName;
        }
        if (entry.isGNULongLinkEntry()) {
            return longLink;
        }
        return null;
    }

    private void startExtendedHeader(TarArchiveEntry header, ByteArrayOutputStream sink) throws UnsafeArchiveException {
        extendedHeader = header;
        // commons-compress reads each extended header into memory and recurses once per header.
        if (++extendedHeaders > MAX_EXTENDED_HEADERS) {
            throw UnsafeArchiveException.archive("more than " + MAX_EXTENDED_HEADERS + " extended headers before one entry");
        }
        if (header.getSize() > MAX_EXTENDED_BYTES) {
            throw UnsafeArchiveException.archive("an extended header is larger than " + MAX_EXTENDED_BYTES + " bytes");
        }
        byte kind = header.getLinkFlag() == TarConstants.LF_PAX_EXTENDED_HEADER_UC
                ? TarConstants.LF_PAX_EXTENDED_HEADER_LC
                : header.getLinkFlag();
        // Two of a kind leave it to commons-compress's reading order which one wins.
        if (sink != globalPax && !kindsSeen.add(kind)) {
            throw UnsafeArchiveException.archive("two extended headers of one kind before one entry");
        }
    }

    private static byte[] raw(byte[] paxValue, ByteArrayOutputStream gnuLong, String ustar) {
        if (paxValue != null) {
            return paxValue;
        }
        if (gnuLong.size() > 0) {
            byte[] bytes = gnuLong.toByteArray();
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] == 0) {
                end--;
            }
            return Arrays.copyOf(bytes, end);
        }
        return ustar.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static boolean agrees(String decodedByCommons, byte[] raw, boolean fromPax) {
        String expected = new String(raw, fromPax ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        // commons-compress appends a slash to directory names.
        return decodedByCommons.equals(expected) || decodedByCommons.equals(expected + "/");
    }

    /**
     * The raw values of PAX records ({@code "<length> <key>=<value>\n"}); later records win and an
     * empty value deletes the key, as in commons-compress, which has already accepted this data.
     */
    static Map<String, byte[]> paxRecords(byte[] data) throws UnsafeArchiveException {
        Map<String, byte[]> values = new HashMap<>();
        int pos = 0;
        while (pos < data.length) {
            int cursor = pos;
            long length = 0;
            while (cursor < data.length && data[cursor] >= '0' && data[cursor] <= '9' && length <= data.length) {
                length = length * 10 + (data[cursor++] - '0');
            }
            if (cursor == pos) {
                break; // padding after the last record
            }
            if (cursor >= data.length || data[cursor] != ' ' || length > data.length - pos) {
                throw UnsafeArchiveException.archive("corrupt tar data (malformed PAX record)");
            }
            int end = pos + (int) length;
            int equals = indexOf(data, (byte) '=', cursor + 1, end);
            if (equals < 0 || data[end - 1] != '\n') {
                throw UnsafeArchiveException.archive("corrupt tar data (malformed PAX record)");
            }
            String key = new String(data, cursor + 1, equals - cursor - 1, StandardCharsets.UTF_8);
            byte[] value = Arrays.copyOfRange(data, equals + 1, end - 1);
            if (value.length == 0) {
                values.remove(key);
            } else {
                values.put(key, value);
            }
            pos = end;
        }
        return values;
    }

    private static int indexOf(byte[] data, byte wanted, int from, int to) {
        for (int i = from; i < to; i++) {
            if (data[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
