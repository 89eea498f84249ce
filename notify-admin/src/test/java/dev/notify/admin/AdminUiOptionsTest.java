package dev.notify.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCrypt;

class AdminUiOptionsTest {

  private static final String HASH = BCrypt.hashpw("secret", BCrypt.gensalt(4));

  @Test
  void authenticationMustBeChosenAsInNode() {
    assertThatThrownBy(() -> AdminUiOptions.builder().build()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("basicAuth(username, bcryptHash)").hasMessageContaining("noAuth()");
    assertThat(AdminUiOptions.builder().noAuth().build().username()).isNull();
  }

  @Test
  void defaultsAreNodes() {
    AdminUiOptions options = AdminUiOptions.builder().basicAuth("admin", HASH).build();
    assertThat(options.namespace()).isEqualTo("/admin");
    assertThat(options.readonly()).isFalse();
    assertThat(options.mode()).isEqualTo(AdminUiOptions.Mode.DEVELOPMENT);
    assertThat(options.serverId()).isEqualTo(AdminUiOptions.hostname());
    assertThat(options.toString()).contains("basic admin").doesNotContain(HASH);
  }

  @Test
  void aPasswordThatIsNotABcryptHashIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> AdminUiOptions.builder().basicAuth("admin", "secret-in-clear"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("passwordHash must be a bcrypt hash ($2a$10$... 60 characters), was 15 characters starting "
            + "with 'secr'");
    assertThat(AdminUiOptions.builder().basicAuth("admin", HASH.replace("$2a$", "$2b$")).build().username())
        .isEqualTo("admin");
  }

  @Test
  void namesAreChecked() {
    assertThatThrownBy(() -> AdminUiOptions.builder().namespace("/")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not be the main namespace");
    assertThatThrownBy(() -> AdminUiOptions.builder().namespace("admin"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 'admin'");
    assertThatThrownBy(() -> AdminUiOptions.builder().basicAuth("", HASH))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("username must not be empty");
    assertThatThrownBy(() -> AdminUiOptions.builder().serverId(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("serverId must not be blank");
  }
}
