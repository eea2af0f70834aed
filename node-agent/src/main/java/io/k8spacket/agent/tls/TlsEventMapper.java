package io.k8spacket.agent.tls;

import io.k8spacket.agent.pipeline.IpText;
import io.k8spacket.avro.AddressFamily;
import io.k8spacket.avro.CertificateInfo;
import io.k8spacket.avro.CertificateSource;
import io.k8spacket.avro.ClientHello;
import io.k8spacket.avro.ServerHello;
import io.k8spacket.avro.TlsEventKind;
import io.k8spacket.avro.TlsHandshakeEvent;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** The one place where parsed handshakes and fetched chains become Avro {@link TlsHandshakeEvent}s. */
final class TlsEventMapper {
  private TlsEventMapper() {}

  /** A HANDSHAKE event for a flow with at least one hello, oriented client to server. */
  static TlsHandshakeEvent handshake(TlsFlow flow, String node) {
    int client = flow.clientEndpoint();
    InetAddress clientAddress = flow.key.address(client);
    InetAddress serverAddress = flow.key.address(1 - client);
    ClientHelloInfo hello = flow.clientHello();
    return TlsHandshakeEvent.newBuilder()
        .setKind(TlsEventKind.HANDSHAKE)
        .setFamily(family(serverAddress))
        .setClientIp(IpText.format(clientAddress))
        .setClientPort(flow.key.port(client))
        .setServerIp(IpText.format(serverAddress))
        .setServerPort(flow.key.port(1 - client))
        .setNode(node)
        .setObservedAtNs(flow.observedAtNs())
        .setClientHello(hello == null ? null : clientHello(hello))
        .setServerHello(flow.serverHello() == null ? null : serverHello(flow.serverHello()))
        .setServerName(hello == null ? null : hello.serverName())
        .setCertificateSource(flow.chainRead() ? CertificateSource.HANDSHAKE : CertificateSource.NONE)
        .setCertificates(certificates(flow.certificates()))
        .build();
  }

  /** A CERTIFICATE_FETCH event: a chain fetched for (server, port, SNI); no client, no hellos. */
  static TlsHandshakeEvent fetched(CertificateFetcher.Result result, String node) {
    return TlsHandshakeEvent.newBuilder()
        .setKind(TlsEventKind.CERTIFICATE_FETCH)
        .setFamily(family(result.server()))
        .setClientIp("")
        .setClientPort(0)
        .setServerIp(IpText.format(result.server()))
        .setServerPort(result.port())
        .setNode(node)
        .setObservedAtNs(result.completedAtNs())
        .setClientHello(null)
        .setServerHello(null)
        .setServerName(result.sni())
        .setCertificateSource(CertificateSource.ACTIVE_FETCH)
        .setCertificates(certificates(result.chain()))
        .build();
  }

  static ClientHello clientHello(ClientHelloInfo hello) {
    return ClientHello.newBuilder()
        .setLegacyVersion(hello.legacyVersion())
        .setSupportedVersions(new ArrayList<>(hello.supportedVersions()))
        .setCipherSuites(new ArrayList<>(hello.cipherSuites()))
        .setExtensions(new ArrayList<>(hello.extensions()))
        .setServerName(hello.serverName())
        .setAlpn(new ArrayList<>(hello.alpn()))
        .setSupportedGroups(new ArrayList<>(hello.supportedGroups()))
        .setSignatureAlgorithms(new ArrayList<>(hello.signatureAlgorithms()))
        .setJa4(hello.ja4())
        .build();
  }

  static ServerHello serverHello(ServerHelloInfo hello) {
    return ServerHello.newBuilder()
        .setLegacyVersion(hello.legacyVersion())
        .setSelectedVersion(hello.selectedVersion())
        .setCipherSuite(hello.cipherSuite())
        .setAlpn(hello.alpn())
        .build();
  }

  static List<CertificateInfo> certificates(List<CertificateSummary> summaries) {
    List<CertificateInfo> out = new ArrayList<>(summaries.size());
    for (CertificateSummary c : summaries) {
      out.add(CertificateInfo.newBuilder()
          .setSubject(c.subject())
          .setIssuer(c.issuer())
          .setSubjectAltNames(new ArrayList<>(c.subjectAltNames()))
          .setSerialHex(c.serialHex())
          .setNotBeforeMs(c.notBeforeMs())
          .setNotAfterMs(c.notAfterMs())
          .setKeyType(c.keyType())
          .setKeyBits(c.keyBits())
          .setSignatureAlgorithm(c.signatureAlgorithm())
          .setSha256(c.sha256())
          .build());
    }
    return out;
  }

  private static AddressFamily family(InetAddress address) {
    return address instanceof Inet4Address ? AddressFamily.IPV4 : AddressFamily.IPV6;
  }
}
