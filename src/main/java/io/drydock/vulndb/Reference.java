package io.drydock.vulndb;

/** A link of an advisory, with its OSV reference type (ADVISORY, FIX, WEB, …). */
public record Reference(String type, String url) {
}
