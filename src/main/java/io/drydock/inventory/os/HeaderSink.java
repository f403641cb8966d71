package io.drydock.inventory.os;

/** Receives what an rpm database reader finds: header blobs by header number, and problems with the file itself. */
interface HeaderSink {

    /** One header blob; {@code number} is rpm's header number (the database key), unique within the database. */
    void header(long number, byte[] blob);

    /** Something about the database file that kept part of it from being read. */
    void problem(String message);
}
