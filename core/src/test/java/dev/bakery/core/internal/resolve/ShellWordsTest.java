package dev.bakery.core.internal.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bakery.core.internal.InvalidValueException;
import org.junit.jupiter.api.Test;

class ShellWordsTest {

    @Test
    void nullOrBlankIsNoWords() throws Exception {
        assertThat(ShellWords.split(null)).isEmpty();
        assertThat(ShellWords.split("")).isEmpty();
        assertThat(ShellWords.split(" \t\n ")).isEmpty();
    }

    @Test
    void whitespaceSeparatesWords() throws Exception {
        assertThat(ShellWords.split("  --a   --b\t--c\n--d  "))
                .containsExactly("--a", "--b", "--c", "--d");
    }

    @Test
    void kanikoExample() throws Exception {
        assertThat(ShellWords.split("--verbosity=debug --label 'a b=c' \"x y\""))
                .containsExactly("--verbosity=debug", "--label", "a b=c", "x y");
    }

    @Test
    void singleQuotesAreLiteral() throws Exception {
        assertThat(ShellWords.split("'a \\ \" $x `y`'")).containsExactly("a \\ \" $x `y`");
    }

    @Test
    void doubleQuotesEscapeOnlyTheirSpecialCharacters() throws Exception {
        assertThat(ShellWords.split("\"q\\\" b\\\\ d\\$ t\\`\""))
                .containsExactly("q\" b\\ d$ t`");
        assertThat(ShellWords.split("\"a\\nb\\'c\"")).containsExactly("a\\nb\\'c");
        assertThat(ShellWords.split("\"it's\"")).containsExactly("it's");
        assertThat(ShellWords.split("\"$HOME\"")).containsExactly("$HOME");
    }

    @Test
    void backslashOutsideQuotesEscapesNextCharacter() throws Exception {
        assertThat(ShellWords.split("a\\ b c\\'d \\\"e\\\\")).containsExactly("a b", "c'd", "\"e\\");
        assertThat(ShellWords.split("\\n")).containsExactly("n");
    }

    @Test
    void backslashNewlineContinuesTheLine() throws Exception {
        assertThat(ShellWords.split("--a \\\n--b")).containsExactly("--a", "--b");
        assertThat(ShellWords.split("ab\\\ncd")).containsExactly("abcd");
        assertThat(ShellWords.split("\"ab\\\ncd\"")).containsExactly("abcd");
        assertThat(ShellWords.split("'ab\\\ncd'")).containsExactly("ab\\\ncd");
    }

    @Test
    void adjacentPartsJoin() throws Exception {
        assertThat(ShellWords.split("--label='a b'\"c d\"e\\ f"))
                .containsExactly("--label=a bc de f");
        assertThat(ShellWords.split("a''b")).containsExactly("ab");
    }

    @Test
    void emptyQuotesAreEmptyWords() throws Exception {
        assertThat(ShellWords.split("''")).containsExactly("");
        assertThat(ShellWords.split("a '' \"\" b")).containsExactly("a", "", "", "b");
    }

    @Test
    void nothingIsExpanded() throws Exception {
        assertThat(ShellWords.split("$HOME ~ *.txt #not-a-comment"))
                .containsExactly("$HOME", "~", "*.txt", "#not-a-comment");
    }

    @Test
    void unterminatedSingleQuote() {
        assertThatThrownBy(() -> ShellWords.split("--label 'a b"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("unterminated single quote in \"--label 'a b\"");
    }

    @Test
    void unterminatedDoubleQuote() {
        assertThatThrownBy(() -> ShellWords.split("--label \"a b"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("unterminated double quote in \"--label \"a b\"");
        assertThatThrownBy(() -> ShellWords.split("\"a\\\""))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("unterminated double quote in \"\"a\\\"\"");
        assertThatThrownBy(() -> ShellWords.split("\"a\\"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("unterminated double quote in \"\"a\\\"");
    }

    @Test
    void trailingBackslash() {
        assertThatThrownBy(() -> ShellWords.split("--flag \\"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("trailing backslash in \"--flag \\\"");
    }
}
