package io.k8spacket.standalone.page;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Serves the built-in page for tests the way the query API serves it: the class path folder {@code /public}
 * (the build copies {@code query-api/src/main/resources/public} there, so an edit is tested without rebuilding
 * query-api) at {@code /}, the WebJars on the class path at {@code /webjars/}, and the API routes the page calls,
 * forwarded unchanged to a running query API (status, content type and body as it answered).
 */
public final class PageServer implements AutoCloseable {
  private final Javalin server;

  private PageServer(Javalin server) {
    this.server = server;
  }

  /** Starts on a free port, forwarding {@code /nodegraph/*} and {@code /tlsparser/*} to {@code apiPort}. */
  public static PageServer start(int apiPort) {
    if (PageServer.class.getResource("/public/index.html") == null) {
      throw new IllegalStateException("no /public/index.html on the class path (see the testResources in the pom)");
    }
    HttpClient http = HttpClient.newHttpClient();
    Javalin server = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      // the two lines QueryApp needs
      cfg.staticFiles.add("/public", Location.CLASSPATH);
      cfg.staticFiles.enableWebjars();
      cfg.routes.get("/nodegraph/*", ctx -> forward(http, apiPort, ctx));
      cfg.routes.get("/tlsparser/*", ctx -> forward(http, apiPort, ctx));
    }).start(0);
    return new PageServer(server);
  }

  private static void forward(HttpClient http, int apiPort, Context ctx) throws Exception {
    String query = ctx.queryString() == null ? "" : "?" + ctx.queryString();
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + ctx.path() + query));
    if (ctx.header("Authorization") != null) {
      request.header("Authorization", ctx.header("Authorization"));
    }
    HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    ctx.status(response.statusCode());
    response.headers().firstValue("Content-Type").ifPresent(ctx::contentType);
    ctx.result(response.body());
  }

  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.stop();
  }
}
