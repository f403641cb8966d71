/**
 * Language runtimes in an image: which Java, Node.js, Python, Go, .NET, Ruby and PHP it contains, at which version.
 * {@link io.drydock.inventory.runtime.RuntimeAnalyzer} reads the runtimes' own files during the per-layer analysis
 * (cached with the rest of it) and records each as a {@code pkg:generic/<runtime>@<version>} package;
 * {@link io.drydock.inventory.runtime.Runtimes#of} joins those with the OS packages and Go binaries of the merged
 * inventory and the image config's environment into one {@link io.drydock.inventory.runtime.Runtime} per runtime
 * version. Whether a version is still supported is for later stages to decide.
 */
package io.drydock.inventory.runtime;
