package dev.bakery.cdk;

import java.util.regex.Pattern;

/**
 * IAM's {@code StringLike} condition operator: case-sensitive, {@code *} matches any run of
 * characters ({@code /} and {@code :} included), {@code ?} exactly one, everything else itself.
 */
final class IamStringLike {

    private IamStringLike() {
    }

    static boolean matches(String pattern, String value) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(switch (c) {
                case '*' -> ".*";
                case '?' -> ".";
                default -> Pattern.quote(String.valueOf(c));
            });
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(value).matches();
    }
}
