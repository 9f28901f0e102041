package dev.bakery.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TerminalTextTest {

    @Test
    void everyControlSequenceAndControlCharacterIsDroppedTabAndLineFeedKept() {
        assertThat(TerminalText.strip("a\u001b]52;c;ZXZpbA==\u0007b")).isEqualTo("ab"); // OSC 52 clipboard, BEL
        assertThat(TerminalText.strip("\u001b]8;;https://evil.example\u001b\\link\u001b]8;;\u001b\\")).isEqualTo("link");
        assertThat(TerminalText.strip("\u001b]0;owned\u0007title")).isEqualTo("title");
        assertThat(TerminalText.strip("\u001b[2J\u001b[1;1H\u001b[31mred\u001b[0m\u001b[?25l")).isEqualTo("red");
        assertThat(TerminalText.strip("\u001bP+q544e\u001b\\dcs\u001b_apc\u001b\\\u001b^pm\u001b\\")).isEqualTo("dcs");
        assertThat(TerminalText.strip("\u001b7\u001b8\u001b(0x\u001bc")).isEqualTo("x");
        assertThat(TerminalText.strip("\u009b31mC1\u009d0;t\u009cok\u0085")).isEqualTo("C1ok");
        assertThat(TerminalText.strip("over\rwrite\bback\u0000\u007f\ttab\nline")).isEqualTo("overwriteback\ttab\nline");
        assertThat(TerminalText.strip("ünïcödé → ✓ \u00a0")).isEqualTo("ünïcödé → ✓ \u00a0");
        assertThat(TerminalText.strip("unterminated \u001b]0;title\nnext line")).isEqualTo("unterminated \nnext line");
        assertThat(TerminalText.oneLine("a\tb\nc\u001b[Ad")).isEqualTo("a b cd");
    }

    @Test
    void theGuardLetsThroughOnlyTheCliOwnColoursAndOnATerminalOnly() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream terminal = TerminalText.guard(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        terminal.print("\u001b[36m[amd64]\u001b[0m \u001b[38;5;1mx\u001b[31m\rprogress\u001b]52;c;aGk=\u0007\n");
        terminal.flush();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("\u001b[36m[amd64]\u001b[0m x\u001b[31m\rprogress\n");

        bytes.reset();
        PrintStream log = TerminalText.guard(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        log.print("\u001b[36m[amd64]\u001b[0m \rok\n");
        log.flush();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("[amd64] ok\n");
    }

    @Test
    void aSingleByteCharsetsC1BytesAreControlsToo() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream latin1 = TerminalText.guard(new PrintStream(bytes, true, StandardCharsets.ISO_8859_1), false);
        latin1.print("caf\u00e9 \u009b2Jx\u009d0;t\u009cy\n");
        latin1.flush();
        assertThat(bytes.toString(StandardCharsets.ISO_8859_1)).isEqualTo("caf\u00e9 xy\n");
    }
}
