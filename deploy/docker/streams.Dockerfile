# syntax=docker/dockerfile:1
# k8spacket streams app with the query API and the metadata publisher (io.k8spacket.streams.StreamsMain).
# Build from the repository root:
#   docker build -f deploy/docker/streams.Dockerfile -t k8spacket-streams:0.1.0 .
# The streams app has no native code of ours (RocksDB's JNI library comes in its jar), so this build stage needs
# no clang: `-pl streams-app -am` builds schemas, query-api and streams-app only.

FROM eclipse-temurin:17-jdk-noble AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends maven \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The streams app and what it needs (schemas, query-api), its runtime classpath, and the log4j2 backend: the
# streams-app module declares only slf4j-api (standalone mode brings the backend), so the image adds the same
# log4j version the root pom manages.
RUN mvn -B -DskipTests -pl streams-app -am package dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory=target/lib \
 && mkdir -p /out/lib \
 && cp streams-app/target/lib/*.jar /out/lib/ \
 && cp streams-app/target/k8spacket-streams-app-*.jar /out/lib/ \
 && log4j=$(sed -n 's:.*<log4j.version>\(.*\)</log4j.version>.*:\1:p' pom.xml) \
 && for a in log4j-api log4j-core log4j-slf4j2-impl; do \
      mvn -B dependency:copy -Dartifact=org.apache.logging.log4j:$a:$log4j -DoutputDirectory=/out/lib; \
    done

FROM eclipse-temurin:17-jre-noble
RUN groupadd --system --gid 10001 k8spacket \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/k8spacket --no-create-home k8spacket \
 && mkdir -p /var/lib/k8spacket && chown 10001:10001 /var/lib/k8spacket
COPY --from=build /out/lib/ /opt/k8spacket/lib/
COPY deploy/docker/streams-log4j2.xml /opt/k8spacket/log4j2.xml
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"
USER 10001:10001
WORKDIR /var/lib/k8spacket
EXPOSE 8080
# /tmp must be writable (the chart mounts an emptyDir): RocksDB extracts its JNI library there.
ENTRYPOINT ["java", "-Djava.io.tmpdir=/tmp", \
  "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.k8spacket.avro", \
  "-Dlog4j2.configurationFile=/opt/k8spacket/log4j2.xml", \
  "-cp", "/opt/k8spacket/lib/*", "io.k8spacket.streams.StreamsMain"]
