package io.layerswarm.it.faults;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Makes a running JVM run out of heap: a Java agent, loaded into it through the attach API, starts
 * a thread that allocates 1 MiB arrays and keeps them until the heap is full. The daemon's own code
 * does not allocate the memory, but the {@code OutOfMemoryError} is the JVM's own, thrown in the
 * daemon's process with the daemon's flags, which is what decides whether the JVM exits.
 */
public final class OomInjector {
  private OomInjector() {}

  /** The agent's entry point, in the target JVM. */
  public static void agentmain(String args) {
    Thread hog =
        new Thread(
            () -> {
              List<byte[]> held = new ArrayList<>();
              while (true) {
                held.add(new byte[1 << 20]);
              }
            },
            "oom-injector");
    hog.setDaemon(true);
    hog.start();
  }

  /**
   * Loads the agent into the JVM with process id {@code pid}; its jar is written to {@code dir}.
   */
  static void inject(long pid, Path dir) throws Exception {
    Path jar = agentJar(dir);
    VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
    try {
      vm.loadAgent(jar.toString());
    } catch (IOException e) {
      // The JVM may exit before it confirms the load: that is the point.
    } finally {
      try {
        vm.detach();
      } catch (IOException e) {
        // Gone already.
      }
    }
  }

  private static Path agentJar(Path dir) throws IOException {
    Path jar = dir.resolve("oom-injector.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().putValue("Agent-Class", OomInjector.class.getName());
    String entry = OomInjector.class.getName().replace('.', '/') + ".class";
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest);
        InputStream in = OomInjector.class.getClassLoader().getResourceAsStream(entry)) {
      if (in == null) {
        throw new IOException("cannot find " + entry + " on the test class path");
      }
      out.putNextEntry(new JarEntry(entry));
      in.transferTo(out);
      out.closeEntry();
    }
    return jar;
  }
}
