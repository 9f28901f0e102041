package dev.bakery.cli.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code .dockerignore} decisions compared with what Docker decides. The expected values are Docker's
 * (moby/patternmatcher and its tests, Docker's documentation), including its odd corners. A path is
 * matched as the walk matches it: each parent directory first, its result handed down.
 */
class DockerIgnoreConformanceTest {

    static Stream<Arguments> singlePatterns() {
        return Stream.of(
                // ** in every position
                Arguments.of("**", "file", true),
                Arguments.of("**/", "file", true),
                Arguments.of("**", "dir/file", true),
                Arguments.of("**/**", "dir/file", true),
                Arguments.of("dir/**", "dir/file", true),
                Arguments.of("dir/**", "dir/dir2/file", true),
                Arguments.of("**/dir", "dir", true),
                Arguments.of("**/dir", "dir/file", true), // through the parent
                Arguments.of("**/dir2/*", "dir/dir2/file", true),
                Arguments.of("**/dir2/**", "dir/dir2/dir3/file", true),
                Arguments.of("**file", "file", true),
                Arguments.of("**file", "dir/dir/file", true),
                Arguments.of("**file", "dir/myfile", true), // a leading ** is a plain suffix
                Arguments.of("**/file", "dir/myfile", false),
                Arguments.of("**/file*", "dir/dir/file.txt", true),
                Arguments.of("**/file*.txt", "dir/dir/file.txt", true),
                Arguments.of("**/**/*.txt2", "dir/dir/file.txt", false),
                Arguments.of("**/*.txt", "file.txt", true),
                Arguments.of("**/*.md", "docs/guide/README.md", true),
                Arguments.of("a**/*.txt", "a/dir/dir/file.txt", true),
                Arguments.of("a**b", "ab", true),
                Arguments.of("a**b", "axb", false), // ** not at a boundary still only spans whole directories
                Arguments.of("a**b", "ax/b", true),
                Arguments.of("abc/**", "abc", false),
                Arguments.of("abc/**", "abc/def/ghi", true),
                Arguments.of("**/foo/bar", "dir/dir2/foo/bar", true),
                Arguments.of("**/.foo", "bar.foo", false),
                // * and ? stop at /
                Arguments.of("*", "abc", true),
                Arguments.of("*.md", "docs/README.md", false),
                Arguments.of("a*", "ab/c", true), // "ab" matches, so everything under it does
                Arguments.of("a*/b", "abc/b", true),
                Arguments.of("a*/b", "a/c/b", false),
                Arguments.of("a/*.txt", "a/dir/file.txt", false),
                Arguments.of("a/*.txt", "a/file.txt", true),
                Arguments.of("*/temp*", "somedir/temporary.txt", true),
                Arguments.of("*/*/temp*", "somedir/subdir/temporary.txt", true),
                Arguments.of("temp?", "tempa", true),
                Arguments.of("abc?def", "abcdef", false),
                Arguments.of("a?b", "a/b", false),
                Arguments.of("a*b", "a/b", false),
                Arguments.of("a?b", "a☺b", true),
                Arguments.of("a???b", "a☺b", false),
                Arguments.of("a*b*c*d*e*/f", "axbxcxdxexxx/f", true),
                Arguments.of("a*b?c*x", "abxbbxdbxebxczzx", true),
                Arguments.of("a*b?c*x", "abxbbxdbxebxczzy", false),
                // character classes and escapes
                Arguments.of("a[b-d]e", "ace", true),
                Arguments.of("a[b-d]e", "aae", false),
                Arguments.of("a[b-d]e", "ae", false),
                Arguments.of("a[^b-d]e", "aze", true),
                Arguments.of("ab[^c]", "abc", false),
                Arguments.of("[a-ζ]*", "α", true),
                Arguments.of("*[a-ζ]", "A", false),
                Arguments.of("[\\]a]", "]", true),
                Arguments.of("[x\\-]", "-", true),
                Arguments.of("[\\-x]", "a", false),
                Arguments.of("a\\*b", "a*b", true),
                Arguments.of("a\\*b", "ab", false),
                Arguments.of("a\\\\", "a\\", true),
                // regexp characters are literal
                Arguments.of(".*", ".foo", true),
                Arguments.of(".*", "foo", false),
                Arguments.of("abc.def", "abcZdef", false),
                Arguments.of("a(b)c/def", "a(b)c/def", true),
                Arguments.of("a.|)$(}+{bc", "a.|)$(}+{bc", true),
                Arguments.of("dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true),
                // cleaning and whole names
                Arguments.of("docs/", "docs/index.md", true),
                Arguments.of("./docs//api/../guide", "docs/guide/a.md", true),
                Arguments.of("docs", "docsy", false),
                Arguments.of("docs", "sub/docs", false)); // patterns are anchored at the context root
    }

    @ParameterizedTest(name = "{0} on {1}: excluded={2}")
    @MethodSource("singlePatterns")
    void singlePattern(String pattern, String path, boolean excluded) throws Exception {
        assertThat(excluded(List.of(pattern), path)).isEqualTo(excluded);
    }

    static Stream<Arguments> patternLists() {
        return Stream.of(
                Arguments.of(List.of("*.go", "!fileutils.go"), "fileutils.go", false),
                Arguments.of(List.of("!fileutils.go", "*.go"), "fileutils.go", true), // the last match wins
                Arguments.of(List.of("docs", "!docs/README.md"), "docs/README.md", false),
                Arguments.of(List.of("docs/", "!docs/README.md"), "docs/README.md", false),
                Arguments.of(List.of("docs/*", "!docs/README.md"), "docs/README.md", false),
                Arguments.of(List.of("docs", "!docs/README.md"), "docs/other.md", true),
                Arguments.of(List.of("**", "!util/docker/web"), "util/docker/web/foo", false),
                Arguments.of(List.of("**", "!util/docker/web", "util/docker/web/foo"), "util/docker/web/foo", true),
                Arguments.of(List.of("**", "!dist/*.whl"), "dist/proxy.py-2.4.0rc3-py3-none-any.whl", false),
                Arguments.of(List.of("*.md", "!README*.md", "README-secret.md"), "README.md", false),
                Arguments.of(List.of("*.md", "!README*.md", "README-secret.md"), "README-secret.md", true),
                Arguments.of(List.of("*.md", "!README*.md", "README-secret.md"), "CHANGES.md", true),
                Arguments.of(List.of("**/node_modules", "!app/node_modules/keep"), "lib/node_modules/x.js", true),
                Arguments.of(List.of("**/node_modules", "!app/node_modules/keep"), "app/node_modules/keep/a.js", false));
    }

    @ParameterizedTest(name = "{0} on {1}: excluded={2}")
    @MethodSource("patternLists")
    void patternList(List<String> patterns, String path, boolean excluded) throws Exception {
        assertThat(excluded(patterns, path)).isEqualTo(excluded);
    }

    static Stream<String> badPatterns() {
        return Stream.of("[", "[^", "[^bc", "a[", "\\", "a\\", "[a-b-c]", "[]a]", "[-]", "[x-]", "[-x]", "!", "[z-a]");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPatterns")
    void badPatternsAreRefused(String pattern) {
        assertThatThrownBy(() -> IgnoreMatcher.compile(List.of("ok", pattern)))
                .isInstanceOfSatisfying(IgnoreMatcher.BadLine.class, e -> assertThat(e.index()).isEqualTo(1));
    }

    static Stream<Arguments> ignoreFiles() {
        return Stream.of(
                Arguments.of("# comment\n\n  \nfoo\n", List.of("foo")),
                Arguments.of(" # not a comment\n", List.of("# not a comment")), // only a # in column 1 starts a comment
                Arguments.of("\uFEFFfoo\r\nbar\r\n", List.of("foo", "bar")),
                Arguments.of("/foo\n!/bar/\n", List.of("foo", "!bar")),
                Arguments.of("  !  spaced  \t\n", List.of("!spaced")),
                Arguments.of("./a/../b//c/\n", List.of("b/c")),
                Arguments.of("/\n!\n", List.of("/", "!")),
                Arguments.of("trailing", List.of("trailing")));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("ignoreFiles")
    void ignoreFileLines(String content, List<String> patterns) {
        assertThat(IgnoreFile.parse(content.getBytes(StandardCharsets.UTF_8)))
                .extracting(IgnoreFile.Line::pattern).containsExactlyElementsOf(patterns);
    }

    /** As the walk decides: the parents first, each handing its per-pattern result down. */
    private static boolean excluded(List<String> patterns, String path) throws Exception {
        IgnoreMatcher matcher = IgnoreMatcher.compile(patterns);
        IgnoreMatcher.Match parent = null;
        int slash = path.indexOf('/');
        while (slash >= 0) {
            parent = matcher.match(path.substring(0, slash), parent);
            slash = path.indexOf('/', slash + 1);
        }
        return matcher.match(path, parent).excluded();
    }
}
