package io.drydock.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.DrydockException;
import io.drydock.lineage.Dockerfile.BuildTimeBase;
import io.drydock.lineage.Dockerfile.Kind;
import io.drydock.lineage.Dockerfile.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Base-image lineage from Dockerfiles: stages, runtime vs build-time bases, ARG substitution and the errors. */
class DockerfileTest {
    private static final String SRC = "app/Dockerfile";

    private static Dockerfile parse(String text) {
        return Dockerfile.parse(text, SRC, Map.of());
    }

    @Test
    void singleStage() {
        Dockerfile d = parse("""
                FROM alpine:3.20
                RUN apk add --no-cache curl
                CMD ["sh"]
                """);
        assertThat(d.source()).isEqualTo(SRC);
        assertThat(d.stages()).containsExactly(new Stage(0, null, "alpine:3.20", null, 1, -1));
        assertThat(d.runtimeBase()).contains("alpine:3.20");
        assertThat(d.buildTimeBases()).isEmpty();
        assertThat(d.unusedBuildArgs()).isEmpty();
    }

    @Test
    void multiStageFollowsAliasesAndRecordsCopyFromImages() {
        Dockerfile d = parse("""
                # syntax=docker/dockerfile:1
                FROM golang:1.22 AS Build
                WORKDIR /src
                COPY --from=busybox:1.36 /bin/busybox /bin/
                RUN go build -o /app
                from node:20 as assets
                COPY --from=build /app /tmp/app
                FROM build AS test
                COPY --link --from=0 /app /x
                COPY --from=busybox:1.36 /bin/sh /bin/
                FROM test
                COPY --from=assets /dist /dist
                COPY --chown=1:1 --from=ghcr.io/acme/tools:1 /t /t
                """);
        assertThat(d.stages()).containsExactly(
                new Stage(0, "build", "golang:1.22", null, 2, -1),
                new Stage(1, "assets", "node:20", null, 6, -1),
                new Stage(2, "test", "build", null, 8, 0),
                new Stage(3, null, "test", null, 11, 2));
        assertThat(d.runtimeBase()).contains("golang:1.22");
        // golang is the runtime chain, stage references are not images, busybox is kept once at its first line
        assertThat(d.buildTimeBases()).containsExactly(
                new BuildTimeBase("busybox:1.36", Kind.COPY_FROM, 4, 0),
                new BuildTimeBase("node:20", Kind.BUILD_STAGE, 6, 1),
                new BuildTimeBase("ghcr.io/acme/tools:1", Kind.COPY_FROM, 13, 3));
    }

    @Test
    void numericStageReferenceInFrom() {
        Dockerfile d = parse("FROM alpine:3.20 AS a\nFROM debian:12\nFROM 1\n");
        assertThat(d.stages().get(2).parent()).isEqualTo(1);
        assertThat(d.stages().get(2).fromStage()).isTrue();
        assertThat(d.runtimeBase()).contains("debian:12");
        assertThat(d.buildTimeBases()).containsExactly(new BuildTimeBase("alpine:3.20", Kind.BUILD_STAGE, 1, 0));
    }

    @Test
    void runMountsFromImagesAndStages() {
        Dockerfile d = parse("""
                FROM alpine:3.20 AS stage
                RUN echo hi > /x
                FROM debian:12
                RUN --mount=type=bind,from=golang:1.22,source=/x,target=/y --mount=type=cache,from=stage,target=/root/.cache make
                RUN --mount=type=secret,id=npm --network=none cat /run/secrets/npm
                RUN --mount=type=cache,"from=redis:7",target=/c true
                RUN --mount=type=bind,from=golang:1.22,target=/z true
                """);
        assertThat(d.runtimeBase()).contains("debian:12");
        assertThat(d.buildTimeBases()).containsExactly(
                new BuildTimeBase("alpine:3.20", Kind.BUILD_STAGE, 1, 0),
                new BuildTimeBase("golang:1.22", Kind.MOUNT_FROM, 4, 1),
                new BuildTimeBase("redis:7", Kind.MOUNT_FROM, 6, 1));
    }

    @Test
    void sameImageOfDifferentKindsIsKeptPerKind() {
        Dockerfile d = parse("FROM golang:1.22 AS tools\nFROM alpine\nCOPY --from=golang:1.22 /a /b\n");
        assertThat(d.buildTimeBases()).extracting(BuildTimeBase::kind).containsExactly(Kind.BUILD_STAGE, Kind.COPY_FROM);
    }

    private static final String ARGS = """
            ARG REGISTRY=ghcr.io/acme
            ARG BASE="debian" TAG=12
            ARG VARIANT
            ARG DISTRO
            ARG FULL=${REGISTRY}/${BASE}
            FROM ${FULL}:${TAG}${VARIANT:+-$VARIANT} AS base
            FROM ${DISTRO:-alpine}:$TAG
            """;

    @Test
    void argDefaults() {
        Dockerfile d = parse(ARGS);
        assertThat(d.stages()).extracting(Stage::base).containsExactly("ghcr.io/acme/debian:12", "alpine:12");
        assertThat(d.runtimeBase()).contains("alpine:12");
        assertThat(d.unusedBuildArgs()).isEmpty();
    }

    @Test
    void buildArgsOverrideDefaultsAndUndeclaredOnesAreReported() {
        Dockerfile d = Dockerfile.parse(ARGS, SRC, Map.of("TAG", "13", "VARIANT", "slim", "DISTRO", "ubuntu",
                "EXTRA", "1", "ALSO", "2", "HTTP_PROXY", "http://proxy", "TARGETARCH", "arm64"));
        assertThat(d.stages()).extracting(Stage::base).containsExactly("ghcr.io/acme/debian:13-slim", "ubuntu:13");
        assertThat(d.buildTimeBases()).containsExactly(new BuildTimeBase("ghcr.io/acme/debian:13-slim", Kind.BUILD_STAGE, 6, 0));
        assertThat(d.unusedBuildArgs()).containsExactly("ALSO", "EXTRA");
    }

    @Test
    void quotingAndEscapesInFrom() {
        Dockerfile d = parse("""
                ARG V=3.20
                FROM --platform=\\$NOT_AN_ARG "alpine:${V}"
                FROM alpine:'3.19' AS x
                """);
        assertThat(d.stages().get(0).platform()).isEqualTo("$NOT_AN_ARG");
        assertThat(d.stages().get(0).base()).isEqualTo("alpine:3.20");
        assertThat(d.stages().get(1).base()).isEqualTo("alpine:3.19");
    }

    @Test
    void platformWithAutomaticArgs() {
        String text = """
                FROM --platform=$BUILDPLATFORM golang:1.22 AS build
                FROM --platform=${TARGETPLATFORM} alpine:3.20
                """;
        Dockerfile unset = parse(text);
        assertThat(unset.stages()).extracting(Stage::platform).containsExactly("$BUILDPLATFORM", "${TARGETPLATFORM}");

        Dockerfile given = Dockerfile.parse(text, SRC, Map.of("BUILDPLATFORM", "linux/amd64"));
        assertThat(given.stages()).extracting(Stage::platform).containsExactly("linux/amd64", "${TARGETPLATFORM}");
        assertThat(given.unusedBuildArgs()).isEmpty();

        Dockerfile arch = Dockerfile.parse("FROM golang:1.22-$TARGETARCH\n", SRC, Map.of("TARGETARCH", "arm64"));
        assertThat(arch.runtimeBase()).contains("golang:1.22-arm64");
    }

    @Test
    void globalArgDerivedFromAutomaticArgStaysLiteralInPlatform() {
        Dockerfile d = parse("ARG PLATFORM=$BUILDPLATFORM\nFROM --platform=$PLATFORM alpine\n");
        assertThat(d.stages().getFirst().platform()).isEqualTo("$BUILDPLATFORM");
    }

    @Test
    void stageArgsApplyToFromFlagsButNotToFromLines() {
        Dockerfile d = Dockerfile.parse("""
                ARG TOOLS=ghcr.io/acme/tools:1
                FROM alpine:3.20
                ARG TOOLS
                ARG CACHE_IMG=busybox:1.36
                ARG UNUSED=$NOT_DECLARED_ANYWHERE
                COPY --from=$TOOLS /a /b
                RUN --mount=type=cache,from=${CACHE_IMG},target=/c true
                """, SRC, Map.of("CACHE_IMG", "busybox:1.37"));
        assertThat(d.buildTimeBases()).containsExactly(
                new BuildTimeBase("ghcr.io/acme/tools:1", Kind.COPY_FROM, 6, 0),
                new BuildTimeBase("busybox:1.37", Kind.MOUNT_FROM, 7, 0));
        assertThat(d.unusedBuildArgs()).isEmpty();

        assertThatThrownBy(() -> parse("ARG TOOLS=tools:1\nFROM alpine\nCOPY --from=$TOOLS /a /b\n"))
                .isInstanceOf(DrydockException.class)
                .hasMessageStartingWith("Dockerfile app/Dockerfile line 3: ")
                .hasMessageContaining("ARG TOOLS is not visible in this stage: re-declare it");
        assertThatThrownBy(() -> parse("FROM alpine\nARG IMG=debian\nFROM $IMG\n"))
                .hasMessageStartingWith("Dockerfile app/Dockerfile line 3: ")
                .hasMessageContaining("unknown ARG IMG");
    }

    @Test
    void continuationsCommentsAndCaseInsensitiveInstructions() {
        Dockerfile d = parse("""

                # a comment
                  # indented comment
                from \\
                  # comment inside a continuation is dropped

                  alpine:3.20 \\
                  as Base
                run echo one \\
                    two
                From base
                """);
        assertThat(d.stages()).containsExactly(
                new Stage(0, "base", "alpine:3.20", null, 4, -1),
                new Stage(1, null, "base", null, 11, 0));
        assertThat(d.runtimeBase()).contains("alpine:3.20");
    }

    @Test
    void backtickEscapeDirective() {
        Dockerfile d = parse("""
                # syntax=docker/dockerfile:1
                # escape=`
                FROM mcr.microsoft.com/windows/servercore:ltsc2022 `
                    AS base
                RUN dir c:\\
                ARG IMG=mcr.microsoft.com/powershell:lts
                FROM base
                COPY --from=mcr.microsoft.com/windows/nanoserver:ltsc2022 C:\\x C:\\y
                """);
        assertThat(d.stages()).containsExactly(
                new Stage(0, "base", "mcr.microsoft.com/windows/servercore:ltsc2022", null, 3, -1),
                new Stage(1, null, "base", null, 7, 0));
        assertThat(d.runtimeBase()).contains("mcr.microsoft.com/windows/servercore:ltsc2022");
        assertThat(d.buildTimeBases()).containsExactly(
                new BuildTimeBase("mcr.microsoft.com/windows/nanoserver:ltsc2022", Kind.COPY_FROM, 8, 1));
    }

    @Test
    void directivesOnlyCountAtTheTop() {
        // after an ordinary comment "# escape=`" is just a comment, so the backslash still continues lines
        Dockerfile d = parse("# hello\n# escape=`\nFROM alpine \\\n  AS a\n");
        assertThat(d.stages().getFirst().alias()).isEqualTo("a");
    }

    @Test
    void heredocBodiesAreSkipped() {
        Dockerfile d = parse("""
                FROM alpine:3.20
                RUN <<EOF
                FROM not-an-instruction
                BOGUS line \\
                EOF
                COPY <<-"END" /etc/conf
                \tFROM inside
                \tEND
                RUN <<A cat && <<'B' cat
                a body
                A
                COPY --from=nope:1 b body
                B
                FROM debian:12
                """);
        assertThat(d.stages()).containsExactly(
                new Stage(0, null, "alpine:3.20", null, 1, -1),
                new Stage(1, null, "debian:12", null, 14, -1));
        assertThat(d.buildTimeBases()).containsExactly(new BuildTimeBase("alpine:3.20", Kind.BUILD_STAGE, 1, 0));
    }

    @Test
    void scratchFinalStage() {
        Dockerfile d = parse("""
                FROM golang:1.22 AS build
                RUN go build -o /app
                FROM scratch
                COPY --from=build /app /app
                """);
        assertThat(d.stages().getLast().fromScratch()).isTrue();
        assertThat(d.runtimeBase()).isEmpty();
        assertThat(d.buildTimeBases()).containsExactly(new BuildTimeBase("golang:1.22", Kind.BUILD_STAGE, 1, 0));

        assertThat(parse("FROM scratch AS base\nFROM base\n").runtimeBase()).isEmpty();
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of("ARG A=1\n", 1, "no FROM instruction"),
                Arguments.of("", 1, "no FROM instruction"),
                Arguments.of("ARG A=1\n\nRUN echo\nFROM alpine\n", 3, "RUN before the first FROM"),
                Arguments.of("FROM\n", 1, "FROM needs an image"),
                Arguments.of("FROM --platform=linux/amd64\n", 1, "FROM needs an image"),
                Arguments.of("FROM --pull=always alpine\n", 1, "unknown flag --pull on FROM"),
                Arguments.of("FROM --platform alpine\n", 1, "--platform needs a value"),
                Arguments.of("FROM alpine AS\n", 1, "FROM alpine AS needs a stage name"),
                Arguments.of("FROM alpine AS a b\n", 1, "extra words: b"),
                Arguments.of("FROM alpine foo\n", 1, "expected AS <name>"),
                Arguments.of("FROM alpine AS 1x\n", 1, "invalid stage name '1x'"),
                Arguments.of("FROM alpine AS a\nFROM debian AS A\n", 2, "duplicate stage name 'a'"),
                Arguments.of("FROM alpine\nRUN echo \\\n", 2, "line continuation at end of file"),
                Arguments.of("FROM alpine\nRUN echo \\\n# only a comment follows\n\n", 2, "line continuation at end of file"),
                Arguments.of("FROM alpine\nRUN <<EOF\necho hi\n", 2, "heredoc <<EOF is not terminated"),
                Arguments.of("FROM Debian:12\n", 1, "invalid image reference 'Debian:12': repository names must be lowercase"),
                Arguments.of("FROM alpine!\n", 1, "invalid image reference 'alpine!'"),
                Arguments.of("ARG IMG=\"alpine latest\"\nFROM $IMG\n", 2, "invalid image reference 'alpine latest': it contains whitespace"),
                Arguments.of("FROM alpine\nCOPY --from=1 /a /b\nFROM debian\n", 2, "COPY --from=1 refers to stage 1, which does not exist yet"),
                Arguments.of("FROM alpine\nRUN --mount=type=bind,from=2,target=/x true\n", 2, "RUN --mount from=2 refers to stage 2, which does not exist yet"),
                Arguments.of("FROM alpine\nCOPY --from=0 /a /b\n", 2, "refers to the stage it is in"),
                Arguments.of("FROM alpine\nCOPY --from=later /a /b\nFROM debian AS later\n", 2, "refers to stage 'later', which is defined later"),
                Arguments.of("FROM alpine\nCOPY --from /a /b\n", 2, "COPY --from needs a value"),
                Arguments.of("FROM alpine\nCOPY --from=Tools:1 /a /b\n", 2, "invalid image reference 'Tools:1'"),
                Arguments.of("FROM alpine\nRUNN echo\n", 2, "unknown instruction RUNN"),
                Arguments.of("FROM alpine:$TAG\n", 1, "unknown ARG TAG"),
                Arguments.of("FROM alpine:${TAG:-3}\n", 1, "unknown ARG TAG"),
                Arguments.of("FROM --platform=$PLAT alpine\n", 1, "unknown ARG PLAT"),
                Arguments.of("ARG TAG\nFROM alpine:$TAG\n", 2, "ARG TAG has no value"),
                Arguments.of("ARG TAG=$MISSING\nFROM alpine:$TAG\n", 2, "ARG TAG (line 1) cannot be resolved: unknown ARG MISSING"),
                Arguments.of("FROM golang:1.22-$TARGETARCH\n", 1, "automatic ARG TARGETARCH is only known to the builder"),
                Arguments.of("ARG V=3\nFROM alpine:${V#3}\n", 2, "unsupported substitution"),
                Arguments.of("ARG V\nFROM alpine:${V:?required}\n", 2, "ARG V: required"),
                Arguments.of("# escape=x\nFROM alpine\n", 1, "escape directive must be"));
    }

    @ParameterizedTest
    @MethodSource("errors")
    void errorsNameTheFileAndLine(String text, int line, String message) {
        assertThatThrownBy(() -> parse(text))
                .isInstanceOf(DrydockException.class)
                .hasMessageStartingWith("Dockerfile app/Dockerfile line " + line + ": ")
                .hasMessageContaining(message);
    }

    @Test
    void unusedBranchesAreNotEvaluated() {
        Dockerfile d = parse("ARG TAG=3.20\nFROM alpine:${TAG:-$NOT_DECLARED}\n");
        assertThat(d.runtimeBase()).contains("alpine:3.20");
    }

    @Test
    void onbuildIsNotInterpreted() {
        Dockerfile d = parse("FROM alpine\nONBUILD COPY --from=builder:1 /a /b\nONBUILD RUN <<EOF\nnot parsed\nEOF\n");
        assertThat(d.buildTimeBases()).isEmpty();
    }

    @Test
    void findAllWalksTheTreeSkippingVendoredDirectories(@TempDir Path dir) throws IOException {
        List<String> wanted = List.of("Containerfile", "Containerfile.prod", "Dockerfile", "services/api/Dockerfile.dev",
                "services/api/app.Dockerfile", "services/web/web.dockerfile");
        List<String> ignored = List.of(".git/Dockerfile", "node_modules/pkg/Dockerfile", "services/target/Dockerfile",
                "Dockerfile.dockerignore", "README.md", "services/api/Dockerfilex", "services/notes.txt");
        for (String f : Stream.concat(wanted.stream(), ignored.stream()).toList()) {
            Path p = dir.resolve(f);
            Files.createDirectories(p.getParent());
            Files.writeString(p, "FROM alpine\n");
        }
        Files.createDirectories(dir.resolve("services/Dockerfile.d"));

        List<Path> found = Dockerfile.findAll(dir);
        assertThat(found).containsExactlyElementsOf(wanted.stream().map(dir::resolve).sorted().toList());

        Dockerfile d = Dockerfile.parse(found.get(3), Map.of());
        assertThat(d.source()).isEqualTo(dir.resolve("services/api/Dockerfile.dev").toString());
        assertThat(d.runtimeBase()).contains("alpine");
        assertThatThrownBy(() -> Dockerfile.findAll(dir.resolve("Dockerfile")))
                .isInstanceOf(DrydockException.class).hasMessageContaining("not a directory");
    }
}
