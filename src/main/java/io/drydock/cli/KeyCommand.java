package io.drydock.cli;

import io.drydock.DrydockException;
import io.drydock.sign.KeyPassphrase;
import io.drydock.sign.SigningKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.concurrent.Callable;

@Command(name = "key", description = "Signing keys in cosign's format: generate a pair, import an openssl key, print a public key.",
        subcommands = {KeyCommand.Generate.class, KeyCommand.Import.class, KeyCommand.PublicKeyOf.class},
        footer = {"", "The passphrase comes from $" + KeyPassphrase.VARIABLE + ", else $" + KeyPassphrase.COSIGN_VARIABLE
                + ", else the terminal;", "set it to the empty string for a key without one."})
final class KeyCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "generate", description = "Generate an ECDSA P-256 key pair: NAME.key (encrypted, cosign's format, mode 0600) and NAME.pub.")
    static final class Generate implements Callable<Integer> {
        @Option(names = "--output-key-prefix", paramLabel = "NAME", defaultValue = "cosign",
                description = "Write NAME.key and NAME.pub (default: cosign, as cosign does). Existing files are never overwritten.")
        String prefix;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            KeyFiles files = KeyFiles.of(prefix);
            files.requireAbsent();
            KeyPair pair = SigningKeys.generate();
            files.write(pair.getPrivate(), pair.getPublic(), spec.commandLine().getOut());
            return 0;
        }
    }

    @Command(name = "import", description = "Convert an unencrypted openssl ECDSA P-256 private key (PKCS#8 or SEC1 PEM) into NAME.key and NAME.pub.")
    static final class Import implements Callable<Integer> {
        @Parameters(paramLabel = "PEM", description = "openssl's PEM private key: PRIVATE KEY or EC PRIVATE KEY.")
        Path source;

        @Option(names = "--output-key-prefix", paramLabel = "NAME", defaultValue = "import-cosign",
                description = "Write NAME.key and NAME.pub (default: import-cosign, as cosign does). Existing files are never overwritten.")
        String prefix;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            KeyFiles files = KeyFiles.of(prefix);
            files.requireAbsent();
            String pem;
            try {
                pem = Files.readString(source, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new DrydockException("cannot read the private key " + source + ": " + DrydockException.reason(e));
            }
            PrivateKey key = SigningKeys.readUnencryptedPrivate(pem, source.toString());
            files.write(key, SigningKeys.publicKeyOf(key), spec.commandLine().getOut());
            return 0;
        }
    }

    @Command(name = "public-key", description = "Print the public key (PKIX PEM) of an encrypted private key.")
    static final class PublicKeyOf implements Callable<Integer> {
        @Option(names = "--key", paramLabel = "NAME.key", required = true, description = "The private key, in cosign's encrypted format.")
        Path key;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrivateKey privateKey = SigningKeys.decryptPrivate(key, KeyPassphrase.fromSystem());
            PrintWriter out = spec.commandLine().getOut();
            out.print(SigningKeys.publicPem(SigningKeys.publicKeyOf(privateKey)));
            out.flush();
            return 0;
        }
    }

    /** NAME.key and NAME.pub, written only where neither exists yet. */
    record KeyFiles(Path privateKey, Path publicKey) {
        static KeyFiles of(String prefix) {
            if (prefix.isBlank()) throw new DrydockException("--output-key-prefix must not be empty");
            return new KeyFiles(Path.of(prefix + ".key"), Path.of(prefix + ".pub"));
        }

        /** Checked before asking for a passphrase, so nobody types one twice only to be refused. */
        void requireAbsent() {
            for (Path p : new Path[]{privateKey, publicKey}) {
                if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    throw new DrydockException(p + " already exists; refusing to overwrite a key (choose another --output-key-prefix or remove it)");
                }
            }
        }

        void write(PrivateKey key, PublicKey pub, PrintWriter out) {
            char[] passphrase = KeyPassphrase.fromSystem().toWrite(privateKey.toString());
            String encrypted;
            try {
                encrypted = SigningKeys.encryptPrivate(key, passphrase);
            } finally {
                Arrays.fill(passphrase, '\0');
            }
            createPrivate(encrypted);
            try {
                Files.writeString(publicKey, SigningKeys.publicPem(pub), StandardCharsets.US_ASCII, java.nio.file.StandardOpenOption.CREATE_NEW,
                        java.nio.file.StandardOpenOption.WRITE);
            } catch (IOException e) {
                // Half a pair is worse than none: a later run would refuse to overwrite the lone .key.
                try {
                    Files.deleteIfExists(privateKey);
                } catch (IOException ignored) {
                    // the message below names the file; nothing more to do
                }
                throw new DrydockException(e instanceof FileAlreadyExistsException ? publicKey + " already exists; refusing to overwrite it"
                        : "cannot write " + publicKey + ": " + DrydockException.reason(e));
            }
            out.println("Private key written to " + privateKey);
            out.println("Public key written to " + publicKey);
            out.flush();
        }

        /** Created with mode 0600 from the start: there is never a moment the encrypted key is readable by others. */
        private void createPrivate(String encrypted) {
            try {
                try {
                    Files.createFile(privateKey, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (UnsupportedOperationException e) {
                    Files.createFile(privateKey); // not a POSIX file system: its own access rules apply
                }
            } catch (FileAlreadyExistsException e) {
                throw new DrydockException(privateKey + " already exists; refusing to overwrite a key");
            } catch (IOException e) {
                throw new DrydockException("cannot write " + privateKey + ": " + DrydockException.reason(e));
            }
            try {
                Files.writeString(privateKey, encrypted, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                try {
                    Files.deleteIfExists(privateKey);
                } catch (IOException ignored) {
                    // the message below names the file
                }
                throw new DrydockException("cannot write " + privateKey + ": " + DrydockException.reason(e));
            }
        }
    }
}
