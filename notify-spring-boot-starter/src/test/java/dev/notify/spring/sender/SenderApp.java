package dev.notify.spring.sender;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An application that only sends, in a package of its own as a user's is: it does not scan the starter's
 * configurations.
 */
@SpringBootApplication
public class SenderApp {
}
