package dev.bakery.core.internal.resolve;

import dev.bakery.core.internal.InvalidValueException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * Durations as users write them in config ({@code ttl: 24h}, {@code timeout: 10m}, {@code 1h30m},
 * {@code 1.5h}). The syntax is Go's {@code time.ParseDuration}, because that is what kaniko, Docker
 * and Kubernetes tooling accept and what users already type; ISO-8601 ({@code PT1H30M}) is not.
 * Only h, m, s and ms are accepted: smaller units make no sense for build settings, and d or w are
 * rejected with a hint rather than guessed at (Go rejects them too).
 */
public final class GoDuration {

    private static final String EXAMPLES = "(use e.g. 90s, 10m, 1h30m)";
    private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);
    private static final BigDecimal NANOS_PER_MILLI = BigDecimal.valueOf(1_000_000L);
    private static final BigDecimal SECONDS_PER_MINUTE = BigDecimal.valueOf(60);
    private static final BigDecimal SECONDS_PER_HOUR = BigDecimal.valueOf(3600);
    /** Go's limit (int64 nanoseconds, about 292 years); keeps values safe to hand to Go tools. */
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

    private GoDuration() {
    }

    /**
     * Parses one or more number+unit pairs ({@code 1h30m}, {@code 1.5h}, {@code 250ms}). Numbers may
     * be decimal ({@code 1.5}, {@code .5}, {@code 1.}); no sign and no inner whitespace. Like Go, a
     * bare {@code 0} is accepted; any other bare number is rejected because {@code 90} could mean
     * seconds or minutes. Fractions below a nanosecond are dropped. Zero is allowed: callers check
     * ranges.
     */
    public static Duration parse(String text) throws InvalidValueException {
        String s = text == null ? "" : text.strip();
        if (s.isEmpty()) {
            throw new InvalidValueException("empty duration");
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        BigDecimal nanos = BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            int numberStart = i;
            boolean digits = false;
            while (i < s.length() && isDigit(s.charAt(i))) {
                i++;
                digits = true;
            }
            if (i < s.length() && s.charAt(i) == '.') {
                i++;
                while (i < s.length() && isDigit(s.charAt(i))) {
                    i++;
                    digits = true;
                }
            }
            if (!digits) {
                throw garbage(s);
            }
            BigDecimal number = new BigDecimal(s.substring(numberStart, i));
            int unitStart = i;
            while (i < s.length() && isLetter(s.charAt(i))) {
                i++;
            }
            String unit = s.substring(unitStart, i);
            if (unit.isEmpty()) {
                if (i == s.length()) {
                    throw new InvalidValueException("invalid duration \"" + s + "\": missing unit " + EXAMPLES);
                }
                throw garbage(s);
            }
            nanos = nanos.add(number.multiply(nanosPer(s, unit)));
            if (nanos.compareTo(MAX_NANOS) > 0) {
                throw new InvalidValueException("invalid duration \"" + s + "\": too large (over 292 years)");
            }
        }
        long whole = nanos.setScale(0, RoundingMode.DOWN).longValueExact();
        return Duration.ofNanos(whole);
    }

    /**
     * The shortest Go-style form, omitting zero parts: {@code 1h30m}, {@code 24h}, {@code 1m30s},
     * {@code 1.5s}, {@code 0s}. Under a second it uses ms ({@code 500ms}, {@code 0.001ms}) since parse
     * knows no smaller unit. So {@code format(parse(x))} is a canonical spelling and {@code
     * parse(format(d))} gives back {@code d} for any duration parse can return. Negative durations
     * (never produced by parse) get a leading {@code -}, as in Go.
     */
    public static String format(Duration d) {
        BigDecimal total = BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9));
        if (total.signum() == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        if (total.signum() < 0) {
            out.append('-');
            total = total.negate();
        }
        if (total.compareTo(BigDecimal.ONE) < 0) {
            return out.append(plain(total.multiply(BigDecimal.valueOf(1000)))).append("ms").toString();
        }
        BigDecimal[] hours = total.divideAndRemainder(SECONDS_PER_HOUR);
        BigDecimal[] minutes = hours[1].divideAndRemainder(SECONDS_PER_MINUTE);
        if (hours[0].signum() > 0) {
            out.append(plain(hours[0])).append('h');
        }
        if (minutes[0].signum() > 0) {
            out.append(plain(minutes[0])).append('m');
        }
        if (minutes[1].signum() > 0) {
            out.append(plain(minutes[1])).append('s');
        }
        return out.toString();
    }

    private static BigDecimal nanosPer(String s, String unit) throws InvalidValueException {
        return switch (unit) {
            case "h" -> SECONDS_PER_HOUR.multiply(NANOS_PER_SECOND);
            case "m" -> SECONDS_PER_MINUTE.multiply(NANOS_PER_SECOND);
            case "s" -> NANOS_PER_SECOND;
            case "ms" -> NANOS_PER_MILLI;
            default -> throw new InvalidValueException(
                    "invalid duration \"" + s + "\": unknown unit \"" + unit + "\" (use h, m, s or ms)");
        };
    }

    private static InvalidValueException garbage(String s) {
        return new InvalidValueException("invalid duration \"" + s + "\" " + EXAMPLES);
    }

    private static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }

    // ASCII only: Character.isDigit would let Arabic-Indic digits into BigDecimal.
    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == 'µ' || c == 'μ';
    }
}
