package dev.notify.admin;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How {@link AdminUi#instrument} serves the Admin UI: the options of Node's {@code instrument(io, opts)}, with its
 * defaults. Immutable; build with {@link #builder()}. Authentication must be chosen explicitly, as in Node:
 * {@link Builder#basicAuth} or {@link Builder#noAuth}.
 */
public final class AdminUiOptions {

  /** Which events reach the UI. */
  public enum Mode {
    /** Every socket's connections, rooms and events, one message per occurrence: for development. */
    DEVELOPMENT,
    /** Only the aggregated statistics every 2 s: for production. */
    PRODUCTION
  }

  /** The admin namespace: {@value}. */
  public static final String DEFAULT_NAMESPACE = "/admin";

  private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}");

  private final String namespace;
  private final String username;
  private final String passwordHash;
  private final boolean readonly;
  private final String serverId;
  private final AdminSessionStore sessionStore;
  private final Mode mode;

  private AdminUiOptions(Builder b) {
    this.namespace = b.namespace;
    this.username = b.username;
    this.passwordHash = b.passwordHash;
    this.readonly = b.readonly;
    this.serverId = b.serverId != null ? b.serverId : hostname();
    this.sessionStore = b.sessionStore != null ? b.sessionStore : AdminSessionStore.inMemory();
    this.mode = b.mode;
  }

  public static Builder builder() {
    return new Builder();
  }

  static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  public String namespace() {
    return namespace;
  }

  /** The user name of basic authentication, or {@code null} when authentication is off. */
  public String username() {
    return username;
  }

  String passwordHash() {
    return passwordHash;
  }

  public boolean readonly() {
    return readonly;
  }

  public String serverId() {
    return serverId;
  }

  public AdminSessionStore sessionStore() {
    return sessionStore;
  }

  public Mode mode() {
    return mode;
  }

  @Override
  public String toString() {
    return "AdminUiOptions{namespace=" + namespace + ", auth=" + (username == null ? "none" : "basic " + username)
        + ", readonly=" + readonly + ", serverId=" + serverId + ", mode=" + mode + ", sessionStore="
        + sessionStore + '}';
  }

  /** Builds {@link AdminUiOptions}; each setter checks its value and names the option it refuses. Not thread-safe. */
  public static final class Builder {
    private String namespace = DEFAULT_NAMESPACE;
    private boolean authChosen;
    private String username;
    private String passwordHash;
    private boolean readonly;
    private String serverId;
    private AdminSessionStore sessionStore;
    private Mode mode = Mode.DEVELOPMENT;

    private Builder() {
    }

    /** The admin namespace; starts with {@code /}. Defaults to {@value #DEFAULT_NAMESPACE}. */
    public Builder namespace(String namespace) {
      Objects.requireNonNull(namespace, "namespace");
      if (!namespace.startsWith("/") || namespace.equals("/")) {
        throw new IllegalArgumentException("namespace must start with '/' and not be the main namespace, was '"
            + namespace + "'");
      }
      this.namespace = namespace;
      return this;
    }

    /**
     * The UI logs in with {@code username} and the password whose bcrypt hash is {@code passwordHash} (as Node's
     * {@code auth: {type: "basic", username, password}}: {@code $2a$}, {@code $2b$} or {@code $2y$}, e.g. from
     * {@code htpasswd -nbBC 10 "" secret} or bcryptjs).
     */
    public Builder basicAuth(String username, String passwordHash) {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(passwordHash, "passwordHash");
      if (username.isEmpty()) {
        throw new IllegalArgumentException("username must not be empty");
      }
      if (!BCRYPT.matcher(passwordHash).matches()) {
        throw new IllegalArgumentException("passwordHash must be a bcrypt hash ($2a$10$... 60 characters), was "
            + passwordHash.length() + " characters starting with '"
            + passwordHash.substring(0, Math.min(4, passwordHash.length())) + "'");
      }
      this.authChosen = true;
      this.username = username;
      this.passwordHash = passwordHash;
      return this;
    }

    /** No authentication: anyone who reaches the server sees and acts on every socket. Development only. */
    public Builder noAuth() {
      this.authChosen = true;
      this.username = null;
      this.passwordHash = null;
      return this;
    }

    /** The UI may only look: no emit, join, leave or disconnect. Defaults to false. */
    public Builder readonly(boolean readonly) {
      this.readonly = readonly;
      return this;
    }

    /** How the UI names this node. Defaults to the host name. */
    public Builder serverId(String serverId) {
      Objects.requireNonNull(serverId, "serverId");
      if (serverId.isBlank()) {
        throw new IllegalArgumentException("serverId must not be blank");
      }
      this.serverId = serverId;
      return this;
    }

    /** Where logins are kept. Defaults to {@link AdminSessionStore#inMemory()}. */
    public Builder sessionStore(AdminSessionStore sessionStore) {
      this.sessionStore = Objects.requireNonNull(sessionStore, "sessionStore");
      return this;
    }

    /** Defaults to {@link Mode#DEVELOPMENT}, as Node's without {@code NODE_ENV}; use PRODUCTION under load. */
    public Builder mode(Mode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** @throws IllegalStateException when neither {@link #basicAuth} nor {@link #noAuth} was called */
    public AdminUiOptions build() {
      if (!authChosen) {
        throw new IllegalStateException("choose the Admin UI's authentication: basicAuth(username, bcryptHash) "
            + "or, for development only, noAuth()");
      }
      return new AdminUiOptions(this);
    }
  }
}
