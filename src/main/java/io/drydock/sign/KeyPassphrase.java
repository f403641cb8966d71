package io.drydock.sign;

import io.drydock.DrydockException;

import java.io.Console;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * Where the passphrase of a signing key comes from, for every command that reads or writes one.
 *
 * <p>First match wins: {@value #VARIABLE}, then {@value #COSIGN_VARIABLE} (so scripts written for cosign keep
 * working), then a prompt on the terminal. A variable set to the empty string means "no passphrase", as in cosign;
 * an empty answer at the prompt is refused, since it is far more often a slip than a choice. Registries already use
 * {@code --password-stdin}, so standard input is never read for a key passphrase.
 *
 * <p>Passphrases are handed out as {@code char[]} so callers can clear them; the environment's copy is a
 * {@link String} the JVM cannot clear, which is the price of accepting it from the environment at all.
 */
public final class KeyPassphrase {
    public static final String VARIABLE = "DRYDOCK_KEY_PASSWORD";
    public static final String COSIGN_VARIABLE = "COSIGN_PASSWORD";

    /** Asks a person; returns null when the answer could not be read (end of input). */
    @FunctionalInterface
    public interface Prompt {
        char[] ask(String question);
    }

    private final Map<String, String> environment;
    private final Prompt prompt; // null when there is no terminal to ask on

    public KeyPassphrase(Map<String, String> environment, Prompt prompt) {
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        this.prompt = prompt;
    }

    /** The process's environment and, when standard input and output are a terminal, that terminal. */
    public static KeyPassphrase fromSystem() {
        Console console = System.console();
        return new KeyPassphrase(System.getenv(), console == null ? null : question -> console.readPassword("%s", question));
    }

    /** The passphrase that opens {@code keyFile}. */
    public char[] toRead(String keyFile) {
        char[] fromEnvironment = fromEnvironment();
        if (fromEnvironment != null) return fromEnvironment;
        return ask("Enter passphrase for " + keyFile + ": ", keyFile);
    }

    /** The passphrase to encrypt a new {@code keyFile} with; asked twice on a terminal, since a typo would lock the key away. */
    public char[] toWrite(String keyFile) {
        char[] fromEnvironment = fromEnvironment();
        if (fromEnvironment != null) return fromEnvironment;
        char[] first = ask("Enter passphrase for " + keyFile + ": ", keyFile);
        char[] again = ask("Enter passphrase for " + keyFile + " again: ", keyFile);
        try {
            if (!Arrays.equals(first, again)) {
                Arrays.fill(first, '\0');
                throw new DrydockException("the passphrases for " + keyFile + " do not match; nothing was written");
            }
            return first;
        } finally {
            Arrays.fill(again, '\0');
        }
    }

    /** Which variable supplies the passphrase, or null: for messages that must say where a wrong passphrase came from. */
    public String source() {
        if (environment.containsKey(VARIABLE)) return VARIABLE;
        if (environment.containsKey(COSIGN_VARIABLE)) return COSIGN_VARIABLE;
        return prompt != null ? "the terminal" : null;
    }

    private char[] fromEnvironment() {
        // containsKey, not a null check on get: an empty value is a deliberate "no passphrase".
        if (environment.containsKey(VARIABLE)) return environment.get(VARIABLE).toCharArray();
        if (environment.containsKey(COSIGN_VARIABLE)) return environment.get(COSIGN_VARIABLE).toCharArray();
        return null;
    }

    private char[] ask(String question, String keyFile) {
        if (prompt == null) {
            throw new DrydockException("no passphrase for " + keyFile + ": set " + VARIABLE + " (or " + COSIGN_VARIABLE
                    + ") to it, or to the empty string for a key without one; there is no terminal to ask on");
        }
        char[] answer = prompt.ask(question);
        if (answer == null) throw new DrydockException("no passphrase for " + keyFile + " was read from the terminal");
        if (answer.length == 0) {
            throw new DrydockException("empty passphrase for " + keyFile + ": to use none deliberately, set " + VARIABLE + " to the empty string");
        }
        return answer;
    }

    @Override
    public String toString() {
        return "KeyPassphrase[" + (source() == null ? "no source" : "from " + source()) + "]";
    }
}
