package org.diskwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pickle walk: values found by opcodes alone, and "cannot tell" for anything it does not know. */
class PickleStringsTest {
  /** {"best_model_path": VALUE, "again": VALUE} as pickle protocol 2 writes it (the value memoized, then got). */
  private static byte[] dict(String value) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.writeBytes(new byte[] {(byte) 0x80, 2, '}', 'q', 0, '('});
    string(p, "best_model_path");
    p.writeBytes(new byte[] {'q', 1});
    string(p, value);
    p.writeBytes(new byte[] {'q', 2});
    string(p, "again");
    p.writeBytes(new byte[] {'q', 3, 'h', 2, 'u', '.'});
    return p.toByteArray();
  }

  private static void string(ByteArrayOutputStream p, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    p.write('X');
    p.writeBytes(new byte[] {(byte) b.length, 0, 0, 0});
    p.writeBytes(b);
  }

  @Test
  void theValueAfterTheKey_isFound() {
    assertThat(PickleStrings.valuesOf(dict("/w/epoch=3.ckpt"), "best_model_path")).contains(List.of("/w/epoch=3.ckpt"));
  }

  @Test
  void aValueGotFromTheMemo_countsAsThatString() {
    assertThat(PickleStrings.valuesOf(dict("/w/epoch=3.ckpt"), "again")).contains(List.of("/w/epoch=3.ckpt"));
  }

  @Test
  void aTruncatedPickle_orAnOpcodeNoProtocolHas_cannotTell() {
    byte[] whole = dict("/w/epoch=3.ckpt");
    assertThat(PickleStrings.valuesOf(Arrays.copyOf(whole, whole.length - 3), "best_model_path")).isEmpty();
    whole[5] = (byte) 0xff;
    assertThat(PickleStrings.valuesOf(whole, "best_model_path")).isEmpty();
  }

  @Test
  void aLengthPastTheEnd_cannotTell() {
    byte[] p = {(byte) 0x80, 2, 'X', (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, '.'};
    assertThat(PickleStrings.valuesOf(p, "best_model_path")).isEmpty();
  }

  @Test
  void aPickleMemoizingMoreStringsThanTheCap_cannotTell() {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.writeBytes(new byte[] {(byte) 0x80, 2});
    for (int i = 0; i <= PickleStrings.MEMO_CAP; i++) {
      string(p, "");
      p.writeBytes(new byte[] {'r', (byte) i, (byte) (i >> 8), (byte) (i >> 16), 0, '0'});
    }
    p.write('.');
    assertThat(PickleStrings.valuesOf(p.toByteArray(), "best_model_path")).isEmpty();
  }

  /**
   * What CPython's pickle writes, the real neighbour: a Lightning-like dict with ints of every width,
   * floats, bytes short and long, a bytearray (protocol 5), tuples, and the path under two keys (the
   * second a memo get), in every protocol from 0 to 5.
   */
  private static final String CPYTHON = """
      import pickle, sys
      best = "/w/epoch=3-" + "step=400.ckpt"
      state = {"monitor": "val_loss", "best_model_path": best, "kth_best_model_path": best, "epoch": 6,
               "step": 700, "seen": 100000, "tokens": 2 ** 40, "lr": 0.5, "pair": (1, 2), "triple": (1, 2, 3),
               "flag": True, "none": None, "tag": b"xy", "weights": b"z" * 300, "raw": bytearray(b"\\xff\\xfe"),
               "empty": bytearray(), "name": "model\u00e9"}
      for proto in range(6):
          with open(sys.argv[1] + "/" + str(proto) + ".pkl", "wb") as f:
              f.write(pickle.dumps({"callbacks": {"ModelCheckpoint": state}, "epoch": 6}, protocol=proto))
      """;

  @Test
  void whatCPythonPicklesInEveryProtocol_isWalked_andTheMemoizedPathIsFoundUnderBothKeys(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    Process py = new ProcessBuilder("python3", "-c", CPYTHON, dir.toString()).redirectErrorStream(true).start();
    String out = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(py.waitFor()).as(out).isZero();

    for (int proto = 0; proto <= 5; proto++) {
      byte[] pickle = java.nio.file.Files.readAllBytes(dir.resolve(proto + ".pkl"));
      assertThat(PickleStrings.valuesOf(pickle, "best_model_path")).as("protocol " + proto)
          .contains(List.of("/w/epoch=3-step=400.ckpt"));
      assertThat(PickleStrings.valuesOf(pickle, "kth_best_model_path")).as("protocol " + proto)
          .contains(List.of("/w/epoch=3-step=400.ckpt"));
      assertThat(PickleStrings.valuesOf(pickle, "monitor")).as("protocol " + proto).contains(List.of("val_loss"));
    }
  }
}
