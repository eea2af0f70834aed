# syntax=docker/dockerfile:1
# k8spacket node agent (io.k8spacket.agent.AgentMain). Build from the repository root:
#   docker build -f deploy/docker/agent.Dockerfile -t k8spacket-agent:0.1.0 .
# The build stage compiles the BPF programs (clang, llvm, libbpf-dev) and bundles that libbpf.so.1 into the
# agent jar; the runtime stage is the same Ubuntu release, so the bundled libbpf finds the libelf and zlib it
# was built against. The agent runs as root with CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN only (the Helm chart
# drops every other capability); it is never privileged.

FROM eclipse-temurin:17-jdk-noble AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends maven clang llvm libbpf-dev gcc \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The agent and the modules it needs (bpf, schemas), then its runtime classpath next to its jar.
RUN mvn -B -DskipTests -pl node-agent -am package dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory=target/lib \
 && mkdir -p /out/lib \
 && cp node-agent/target/lib/*.jar /out/lib/ \
 && cp node-agent/target/k8spacket-node-agent-*.jar /out/lib/

FROM eclipse-temurin:17-jre-noble
# libelf and zlib: what the bundled libbpf links against (the host needs no libbpf).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libelf1t64 zlib1g \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/lib/ /opt/k8spacket/lib/
# /tmp must be writable (the chart mounts an emptyDir): libbpf and JNA's native library are extracted there.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"
USER 0
EXPOSE 9400
ENTRYPOINT ["java", "-Djava.io.tmpdir=/tmp", "-Djna.tmpdir=/tmp", \
  "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.k8spacket.avro", \
  "-Dlog4j2.configurationFile=classpath:k8spacket-agent-log4j2.xml", \
  "-cp", "/opt/k8spacket/lib/*", "io.k8spacket.agent.AgentMain"]
