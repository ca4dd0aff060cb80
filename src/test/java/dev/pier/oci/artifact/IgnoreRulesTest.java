package dev.pier.oci.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IgnoreRulesTest {

    @Test
    void the_defaults_leave_out_git_metadata_archives_and_images_at_any_depth() {
        IgnoreRules rules = IgnoreRules.defaults();

        assertThat(rules.ignores(".git", true)).isTrue();
        assertThat(rules.ignores("sub/.git", true)).isTrue();
        assertThat(rules.ignores(".git", false)).isFalse();
        assertThat(rules.ignores("release.tar.gz", false)).isTrue();
        assertThat(rules.ignores("deep/dir/bundle.zip", false)).isTrue();
        for (String image : new String[] {"a.jpg", "a.jpeg", "a.gif", "x/a.png", "a.wmv", "a.flv"}) {
            assertThat(rules.ignores(image, false)).as(image).isTrue();
        }
        assertThat(rules.ignores("deploy.yaml", false)).isFalse();
        assertThat(rules.ignores(".github", true)).isFalse();
        assertThat(rules.ignores("chart.tgz", false)).isFalse();
    }

    @Test
    void comments_and_blank_lines_are_skipped() {
        IgnoreRules rules = IgnoreRules.parse("# a comment\n\n   \n*.log\n");

        assertThat(rules.ignores("# a comment", false)).isFalse();
        assertThat(rules.ignores("x/debug.log", false)).isTrue();
    }

    @Test
    void a_later_negation_re_includes_a_path() {
        IgnoreRules rules = IgnoreRules.parse("*.yaml\n!keep.yaml\n");

        assertThat(rules.ignores("drop.yaml", false)).isTrue();
        assertThat(rules.ignores("keep.yaml", false)).isFalse();
        assertThat(rules.ignores("sub/keep.yaml", false)).isFalse();
    }

    @Test
    void a_trailing_slash_matches_directories_only() {
        IgnoreRules rules = IgnoreRules.parse("build/\n");

        assertThat(rules.ignores("build", true)).isTrue();
        assertThat(rules.ignores("src/build", true)).isTrue();
        assertThat(rules.ignores("build", false)).isFalse();
    }

    @Test
    void a_leading_or_inner_slash_anchors_the_pattern_to_the_root() {
        IgnoreRules rules = IgnoreRules.parse("/secret.txt\ndocs/*.md\n");

        assertThat(rules.ignores("secret.txt", false)).isTrue();
        assertThat(rules.ignores("sub/secret.txt", false)).isFalse();
        assertThat(rules.ignores("docs/readme.md", false)).isTrue();
        assertThat(rules.ignores("docs/deep/readme.md", false)).isFalse();
        assertThat(rules.ignores("other/docs/readme.md", false)).isFalse();
    }

    @Test
    void a_star_does_not_cross_a_slash_but_a_double_star_does() {
        IgnoreRules rules = IgnoreRules.parse("/a/*.txt\n**/tmp\nlogs/**\nx/**/y.yaml\n");

        assertThat(rules.ignores("a/b.txt", false)).isTrue();
        assertThat(rules.ignores("a/b/c.txt", false)).isFalse();
        assertThat(rules.ignores("tmp", true)).isTrue();
        assertThat(rules.ignores("p/q/tmp", false)).isTrue();
        assertThat(rules.ignores("logs/one/two.log", false)).isTrue();
        assertThat(rules.ignores("x/y.yaml", false)).isTrue();
        assertThat(rules.ignores("x/1/2/y.yaml", false)).isTrue();
        assertThat(rules.ignores("z/x/y.yaml", false)).isFalse();
    }

    @Test
    void question_marks_and_character_classes_match_one_character() {
        IgnoreRules rules = IgnoreRules.parse("file?.txt\nv[0-9].yaml\nw[!a].yaml\n");

        assertThat(rules.ignores("file1.txt", false)).isTrue();
        assertThat(rules.ignores("file12.txt", false)).isFalse();
        assertThat(rules.ignores("v7.yaml", false)).isTrue();
        assertThat(rules.ignores("vx.yaml", false)).isFalse();
        assertThat(rules.ignores("wb.yaml", false)).isTrue();
        assertThat(rules.ignores("wa.yaml", false)).isFalse();
    }

    @Test
    void regex_characters_in_a_pattern_are_literal() {
        IgnoreRules rules = IgnoreRules.parse("a+b(1).txt\n");

        assertThat(rules.ignores("a+b(1).txt", false)).isTrue();
        assertThat(rules.ignores("aab1.txt", false)).isFalse();
    }
}
