package org.itgc.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.itgc.security.ApiCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Receives syslog (RFC 5424) over TCP, framed as RFC 6587 (octet counting, or one message a line), on
 * {@code itgc.logs.syslog.port} (0: off), with TLS (RFC 5425) when {@code itgc.logs.syslog.tls.key-store} names a
 * PKCS#12 key store. Each message authenticates itself with a credential of scope logs, in the structured-data
 * element {@code [itgc@32473 token="..."]} or as Loggly's SD-ID {@code [<token>@41058 ...]}; a message without a
 * valid token, or that is not RFC 5424, is kept raw in the quarantine with the reason and counted (a refused token is
 * audited once per connection). Tokens are replaced by {@code REDACTED} in what is stored. Messages are stored in
 * batches: whenever the connection has nothing more to read at once, or every 500 messages.
 */
@Component
public class SyslogServer implements SmartLifecycle {

  static final String SD_ID = "itgc@32473";
  static final String LOGGLY_SUFFIX = "@41058";
  private static final int FLUSH_EVERY = 500;
  private static final Duration SENDER_CACHE = Duration.ofSeconds(60);
  private static final Pattern TOKEN_PARAM = Pattern.compile("(token=\")((?:[^\"\\\\]|\\\\.)*)(\")");
  private static final Pattern LOGGLY_TOKEN = Pattern.compile("\\[[^\\s\\]=\"]+@41058");
  private static final Logger log = LoggerFactory.getLogger(SyslogServer.class);

  private final LogSenders senders;
  private final LogIngest ingest;
  private final ObjectMapper json;
  private final Clock clock;
  private final int configuredPort;
  private final int configuredTlsPort;
  private final String bindAddress;
  private final int maxFrame;
  private final int maxConnections;
  private final int maxQuarantined;
  private final String keyStore;
  private final String keyStorePassword;
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket server;
  private volatile ServerSocket tlsServer;
  private volatile boolean running;
  private ExecutorService workers;

  SyslogServer(LogSenders senders, LogIngest ingest, ObjectMapper json, Clock clock,
      @Value("${itgc.logs.syslog.port:0}") int port,
      @Value("${itgc.logs.syslog.tls.port:0}") int tlsPort,
      @Value("${itgc.logs.syslog.bind-address:0.0.0.0}") String bindAddress,
      @Value("${itgc.logs.syslog.max-frame-bytes:65536}") int maxFrame,
      @Value("${itgc.logs.syslog.max-connections:200}") int maxConnections,
      @Value("${itgc.logs.syslog.max-quarantined-per-connection:10000}") int maxQuarantined,
      @Value("${itgc.logs.syslog.tls.key-store:}") String keyStore,
      @Value("${itgc.logs.syslog.tls.key-store-password:}") String keyStorePassword) {
    this.senders = senders;
    this.ingest = ingest;
    this.json = json;
    this.clock = clock;
    this.configuredPort = port;
    this.configuredTlsPort = tlsPort;
    this.bindAddress = bindAddress;
    this.maxFrame = maxFrame;
    this.maxConnections = maxConnections;
    this.maxQuarantined = maxQuarantined;
    this.keyStore = keyStore;
    this.keyStorePassword = keyStorePassword;
  }

  /** The plain TCP port listened on, or 0 when off. */
  public int port() {
    ServerSocket s = server;
    return s == null ? 0 : s.getLocalPort();
  }

  /** The TLS port listened on, or 0 when off. */
  public int tlsPort() {
    ServerSocket s = tlsServer;
    return s == null ? 0 : s.getLocalPort();
  }

  @Override
  public synchronized void start() {
    if (configuredPort <= 0 && configuredTlsPort <= 0) {
      return;
    }
    if (configuredTlsPort > 0 && keyStore.isBlank()) {
      throw new IllegalStateException("itgc.logs.syslog.tls.port is " + configuredTlsPort
          + " but itgc.logs.syslog.tls.key-store names no key store: TLS needs the listener's key and certificate");
    }
    AtomicInteger threads = new AtomicInteger();
    workers = new ThreadPoolExecutor(0, maxConnections, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = new Thread(r, "syslog-connection-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    running = true;
    if (configuredPort > 0) {
      server = listen(configuredPort, false);
    }
    if (configuredTlsPort > 0) {
      tlsServer = listen(configuredTlsPort, true);
    }
  }

  private ServerSocket listen(int port, boolean tls) {
    ServerSocket socket;
    try {
      socket = tls ? tlsServer() : new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), port), 100);
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("The syslog listener cannot listen on " + bindAddress + ":" + port
          + (tls ? " with TLS (key store " + keyStore + ")" : "") + ": " + e.getMessage(), e);
    }
    Thread acceptor = new Thread(() -> accept(socket), tls ? "syslog-tls-listener" : "syslog-listener");
    acceptor.setDaemon(true);
    acceptor.start();
    log.info("Syslog (RFC 5424 over TCP, RFC 6587 framing{}) listens on {}:{}", tls ? ", TLS" : "", bindAddress,
        socket.getLocalPort());
    return socket;
  }

  private ServerSocket tlsServer() throws IOException, java.security.GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    char[] password = keyStorePassword.toCharArray();
    try (InputStream in = Files.newInputStream(Path.of(keyStore))) {
      store.load(in, password);
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    var socket = (javax.net.ssl.SSLServerSocket) context.getServerSocketFactory().createServerSocket();
    socket.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
    return socket;
  }

  private void accept(ServerSocket listener) {
    while (running && !listener.isClosed()) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        if (running && !listener.isClosed()) {
          log.warn("The syslog listener could not accept a connection: {}", e.getMessage());
        }
        continue;
      }
      try {
        workers.execute(() -> serve(socket));
      } catch (RejectedExecutionException full) {
        log.warn("Syslog: {} connections are open already; refused one from {}", maxConnections,
            socket.getInetAddress().getHostAddress());
        close(socket);
      }
    }
  }

  /** A sender checked once a minute per connection, not per message. */
  private record CachedSender(Optional<ApiCredentials.LogSender> sender, Instant until) {}

  private void serve(Socket socket) {
    connections.add(socket);
    String peer = socket.getInetAddress().getHostAddress();
    Map<String, CachedSender> cache = new HashMap<>();
    Set<String> refusalsAudited = new HashSet<>();
    List<LogMapper.Received> buffer = new ArrayList<>();
    int quarantined = 0;
    try (socket) {
      socket.setKeepAlive(true);
      InputStream in = new BufferedInputStream(socket.getInputStream(), 65536);
      SyslogFrames frames = new SyslogFrames(in, maxFrame);
      while (true) {
        byte[] frame;
        try {
          frame = frames.next();
        } catch (SyslogFrames.FramingException e) {
          buffer.add(quarantined(peer, e.partial, "framing broken (RFC 6587): " + e.getMessage()
              + "; the connection was closed"));
          break;
        }
        if (frame == null) {
          break;
        }
        LogMapper.Received message = received(frame, peer, cache, refusalsAudited);
        buffer.add(message);
        if (message.system() == null && ++quarantined >= maxQuarantined) {
          // a connection that only sends what nobody vouches for fills the quarantine: stored so far, then closed
          flush(buffer);
          senders.refused("syslog", null, peer, "the connection sent " + quarantined + " quarantined messages and "
              + "was closed (itgc.logs.syslog.max-quarantined-per-connection)", null);
          break;
        }
        if (buffer.size() >= FLUSH_EVERY || in.available() == 0) {
          flush(buffer);
        }
      }
    } catch (IOException e) {
      if (running) {
        log.debug("Syslog connection from {} ended: {}", peer, e.getMessage());
      }
    } catch (RuntimeException e) {
      log.warn("Syslog connection from {} closed: storing its messages failed: {}", peer, e.toString());
      buffer.clear();
    } finally {
      try {
        flush(buffer);
      } catch (RuntimeException e) {
        log.warn("Syslog: {} messages from {} could not be stored: {}", buffer.size(), peer, e.toString());
      }
      connections.remove(socket);
    }
  }

  private void flush(List<LogMapper.Received> buffer) {
    if (!buffer.isEmpty()) {
      ingest.accept(List.copyOf(buffer));
      buffer.clear();
    }
  }

  private LogMapper.Received received(byte[] frame, String peer, Map<String, CachedSender> cache,
      Set<String> refusalsAudited) {
    SyslogMessage message;
    try {
      message = SyslogParser.parse(frame);
    } catch (SyslogParser.SyslogFormatException e) {
      return quarantined(peer, frame, e.getMessage());
    }
    String token = token(message);
    String claimed = message.structuredData().getOrDefault(SD_ID, Map.of()).get("system");
    if (token == null) {
      return quarantined(peer, frame, "no token: a message authenticates with [" + SD_ID + " token=\"...\"]");
    }
    Instant now = clock.instant();
    CachedSender cached = cache.get(token);
    if (cached == null || cached.until().isBefore(now)) {
      cached = new CachedSender(senders.authenticate(token), now.plus(SENDER_CACHE));
      cache.put(token, cached);
    }
    if (cached.sender().isEmpty()) {
      String why = senders.whyRefused(token);
      if (refusalsAudited.add(org.itgc.platform.Hashes.sha256(token))) {
        senders.refused("syslog", null, peer, why, claimed);
      }
      return quarantined(peer, frame, "refused: " + why);
    }
    ApiCredentials.LogSender sender = cached.sender().get();
    if (claimed != null && !claimed.equals(sender.system())) {
      if (refusalsAudited.add(org.itgc.platform.Hashes.sha256(token) + claimed)) {
        senders.refused("syslog", "api:" + sender.id(), peer, "a message claims system " + claimed
            + ", but the credential is bound to " + sender.system(), claimed);
      }
      return quarantined(peer, frame, "refused: the credential of " + sender.system() + " sent a message of "
          + claimed);
    }
    return new LogMapper.Received("syslog", sender.system(), clock.instant(), peer, redact(frame),
        document(message), null);
  }

  /** The token of a message: {@code [itgc@32473 token="..."]}, or Loggly's {@code [<token>@41058]}. */
  static String token(SyslogMessage message) {
    String token = message.structuredData().getOrDefault(SD_ID, Map.of()).get("token");
    if (token != null) {
      return token;
    }
    return message.structuredData().keySet().stream().filter(id -> id.endsWith(LOGGLY_SUFFIX))
        .map(id -> id.substring(0, id.length() - LOGGLY_SUFFIX.length())).filter(t -> !t.isEmpty()).findFirst()
        .orElse(null);
  }

  /** The message as stored: every token value replaced by REDACTED. */
  static byte[] redact(byte[] frame) {
    String text = new String(frame, StandardCharsets.UTF_8);
    String redacted = LOGGLY_TOKEN.matcher(TOKEN_PARAM.matcher(text).replaceAll("$1REDACTED$3"))
        .replaceAll("[REDACTED@41058");
    return redacted.equals(text) ? frame : redacted.getBytes(StandardCharsets.UTF_8);
  }

  private LogMapper.Received quarantined(String peer, byte[] frame, String reason) {
    return new LogMapper.Received("syslog", null, clock.instant(), peer, redact(frame), null, reason);
  }

  /** What a mapping's paths read in a syslog message (docs/logs.md). */
  private JsonNode document(SyslogMessage m) {
    ObjectNode d = json.createObjectNode();
    d.put("facility", m.facility());
    d.put("severity", m.severity());
    if (m.timestamp() != null) {
      d.put("timestamp", m.timestamp().toString());
    }
    d.put("hostname", m.hostname());
    d.put("appName", m.appName());
    d.put("procId", m.procId());
    d.put("msgId", m.msgId());
    ObjectNode sd = d.putObject("sd");
    m.structuredData().forEach((id, params) -> {
      ObjectNode element = sd.putObject(id.endsWith(LOGGLY_SUFFIX) ? "REDACTED" + LOGGLY_SUFFIX : id);
      params.forEach((name, value) -> element.put(name, id.equals(SD_ID) && name.equals("token") ? "REDACTED"
          : value));
    });
    d.put("msg", m.msg());
    if (m.msg() != null && m.msg().strip().startsWith("{")) {
      try {
        d.set("message", json.readTree(m.msg()));
      } catch (IOException notJson) {
        // the message stays text
      }
    }
    return d;
  }

  @Override
  public synchronized void stop() {
    running = false;
    for (ServerSocket s : new ServerSocket[] {server, tlsServer}) {
      if (s != null) {
        close(s);
      }
    }
    server = null;
    tlsServer = null;
    connections.forEach(SyslogServer::close);
    if (workers != null) {
      workers.shutdown();
      try {
        workers.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      workers = null;
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Stops before the sealer and the database (a lower phase stops later). */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE;
  }

  private static void close(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
