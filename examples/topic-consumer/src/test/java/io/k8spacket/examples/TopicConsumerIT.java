package io.k8spacket.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.avro.AddressFamily;
import io.k8spacket.avro.CertificateInfo;
import io.k8spacket.avro.CertificateSource;
import io.k8spacket.avro.ClientHello;
import io.k8spacket.avro.CloseKind;
import io.k8spacket.avro.Connection;
import io.k8spacket.avro.Endpoint;
import io.k8spacket.avro.EndpointKind;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.ServerHello;
import io.k8spacket.avro.TlsSession;
import io.k8spacket.kafka.EmbeddedKafkaBroker;
import io.k8spacket.schema.AvroSerde;
import io.k8spacket.schema.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericArray;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.Utf8;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example reads what k8spacket writes: records encoded with the project's own serde ({@link AvroSerde}, the
 * generated classes) go through a real broker, and the example, knowing only the {@code .avsc} files, decodes
 * every field to the same value.
 */
class TopicConsumerIT {
  private static final Endpoint WEB = Endpoint.newBuilder().setIp("10.0.0.1").setName("web-7d9f4-abcde")
      .setNamespace("shop").setWorkload("web").setWorkloadKind("Deployment").setKind(EndpointKind.POD).setNode("n1")
      .build();
  private static final Endpoint DB = Endpoint.newBuilder().setIp("10.0.0.2").setName("db-0").setNamespace("data")
      .setWorkload("db").setWorkloadKind("StatefulSet").setKind(EndpointKind.POD).build();
  private static final Connection CONNECTION = Connection.newBuilder().setClient(WEB).setClientPort(51234)
      .setServer(DB).setServerPort(5432).setFamily(AddressFamily.IPV4).setObserver(Observer.CLIENT).setNode("n1")
      .setBytesClientToServer(123457).setBytesServerToClient(765433).setSegmentsClientToServer(12)
      .setSegmentsServerToClient(40).setRetransmits(1).setSrttMicros(87).setOpenTimeNs(1_795_000_000_000_000_000L)
      .setCloseTimeNs(1_795_000_000_250_000_000L).setCloseKind(CloseKind.NORMAL).build();
  private static final TlsSession SESSION = TlsSession.newBuilder().setClient(WEB).setClientPort(40000).setServer(DB)
      .setServerPort(443).setNode("n1").setObservedAtNs(1_795_000_000_000_000_000L).setServerName("db.example")
      .setClientHello(ClientHello.newBuilder().setLegacyVersion(0x0303).setSupportedVersions(List.of(0x0304, 0x0303))
          .setCipherSuites(List.of(0x1301, 0x1302)).setExtensions(List.of(0, 43, 51)).setServerName("db.example")
          .setAlpn(List.of("h2")).setJa4("t13d0203h2_000000000000_000000000000").build())
      .setServerHello(ServerHello.newBuilder().setLegacyVersion(0x0303).setSelectedVersion(0x0304)
          .setCipherSuite(0x1302).setAlpn("h2").build())
      .setLeafSha256("ab".repeat(32)).build();
  private static final io.k8spacket.avro.Certificate CERTIFICATE = io.k8spacket.avro.Certificate.newBuilder()
      .setServerIp("10.0.0.2").setServerPort(443).setServerName("db.example").setServer(DB)
      .setSource(CertificateSource.HANDSHAKE).setChain(List.of(CertificateInfo.newBuilder()
          .setSubject("CN=db.example").setIssuer("CN=ca").setSubjectAltNames(List.of("DNS:db.example"))
          .setSerialHex("2002").setNotBeforeMs(1_795_000_000_000L).setNotAfterMs(1_797_000_000_000L)
          .setKeyType("EC").setKeyBits(256).setSignatureAlgorithm("SHA256withECDSA").setSha256("cd".repeat(32))
          .build()))
      .setFirstSeenMs(1_795_000_000_000L).setLastSeenMs(1_795_000_100_000L).setClients(List.of(WEB)).build();

  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void produceWithTheRealSerde() throws Exception {
    broker = EmbeddedKafkaBroker.startTemporary(Path.of("target", "it-broker"));
    broker.createTopic(Topics.CONNECTIONS, 1);
    broker.createTopic(Topics.TLS_SESSIONS, 1);
    broker.createCompactedTopic(Topics.CERTIFICATES, 1);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
        broker.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(Topics.CONNECTIONS, "shop/web",
          AvroSerde.of(Connection.class).encode(CONNECTION))).get();
      producer.send(new ProducerRecord<>(Topics.TLS_SESSIONS, "shop/web",
          AvroSerde.of(TlsSession.class).encode(SESSION))).get();
      producer.send(new ProducerRecord<>(Topics.CERTIFICATES, "10.0.0.2:443|db.example",
          AvroSerde.of(io.k8spacket.avro.Certificate.class).encode(CERTIFICATE))).get();
    }
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void the_decoder_reads_every_field_of_every_output_topic_from_the_avsc_files_alone() {
    SingleObjectDecoder decoder = SingleObjectDecoder.fromDirectory(Path.of("..", "..", "schemas", "src", "main", "avro"));
    assertSameRecord(decoder.decode(AvroSerde.of(Connection.class).encode(CONNECTION)), CONNECTION, "Connection");
    assertSameRecord(decoder.decode(AvroSerde.of(TlsSession.class).encode(SESSION)), SESSION, "TlsSession");
    assertSameRecord(decoder.decode(AvroSerde.of(io.k8spacket.avro.Certificate.class).encode(CERTIFICATE)),
        CERTIFICATE, "Certificate");
    assertThat(decoder.decode(null)).isNull();
  }

  @Test
  void the_example_consumer_prints_what_k8spacket_wrote_to_the_broker() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    long printed = TopicConsumer.run(List.of("--bootstrap", broker.bootstrapServers(), "--topic", Topics.CONNECTIONS,
        "--topic", Topics.TLS_SESSIONS, "--topic", Topics.CERTIFICATES, "--from-beginning", "--max", "3",
        "--idle-timeout", "60s"), new PrintStream(buffer, true, StandardCharsets.UTF_8));
    String output = buffer.toString(StandardCharsets.UTF_8);
    assertThat(printed).as(output).isEqualTo(3);
    assertThat(output).contains(Topics.CONNECTIONS + " shop/web {\"client\": {\"ip\": \"10.0.0.1\"",
        "  shop/web -> data/db:5432 123457 B out, 765433 B back, 250 ms, NORMAL",
        Topics.TLS_SESSIONS + " shop/web {", "\"ja4\": \"t13d0203h2_000000000000_000000000000\"",
        Topics.CERTIFICATES + " 10.0.0.2:443|db.example {", "\"notAfterMs\": 1797000000000");
  }

  /** Field for field, recursively: the generic record holds what the generated class held. */
  private static void assertSameRecord(GenericRecord generic, SpecificRecord specific, String type) {
    assertThat(generic).isNotNull();
    assertThat(generic.getSchema().getName()).isEqualTo(type);
    for (Schema.Field field : specific.getSchema().getFields()) {
      assertSameValue(generic.get(field.name()), specific.get(field.pos()), type + "." + field.name());
    }
  }

  private static void assertSameValue(Object generic, Object specific, String path) {
    if (specific == null) {
      assertThat(generic).as(path).isNull();
    } else if (specific instanceof SpecificRecord record) {
      assertThat(generic).as(path).isInstanceOf(GenericRecord.class);
      for (Schema.Field field : record.getSchema().getFields()) {
        assertSameValue(((GenericRecord) generic).get(field.name()), record.get(field.pos()), path + "." + field.name());
      }
    } else if (specific instanceof List<?> list) {
      assertThat(generic).as(path).isInstanceOf(GenericArray.class);
      List<?> items = new ArrayList<>((GenericArray<?>) generic);
      assertThat(items).as(path).hasSameSizeAs(list);
      for (int i = 0; i < list.size(); i++) {
        assertSameValue(items.get(i), list.get(i), path + "[" + i + "]");
      }
    } else if (specific instanceof Enum<?> symbol) {
      assertThat(generic).as(path).isInstanceOf(GenericEnumSymbol.class);
      assertThat(generic.toString()).as(path).isEqualTo(symbol.name());
    } else if (specific instanceof String text) {
      assertThat(generic).as(path).isInstanceOf(Utf8.class);
      assertThat(generic.toString()).as(path).isEqualTo(text);
    } else {
      assertThat(generic).as(path).isEqualTo(specific);
    }
  }
}
