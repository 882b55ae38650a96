// Removes terminal control sequences from a byte stream, keeping text, TAB, LF and CR (output-capture.ts
// folds CR later). Stateful, so a sequence split across chunks is still removed. Works on bytes, so UTF-8 text
// passes through whole; 8-bit C1 controls are not recognised, because in UTF-8 they are continuation bytes.

const enum State {
  Ground,
  Escape, // after ESC
  EscapeIntermediate, // ESC ( B and friends: intermediates, then one final byte
  Csi, // ESC [ params intermediates final
  String, // OSC, DCS, SOS, PM, APC: until BEL (OSC only) or ST
  StringEscape, // ESC inside a string: ST is ESC \
}

const ESC = 0x1b;

export class AnsiStripper {
  private state = State.Ground;

  strip(input: Uint8Array): Buffer {
    const out = Buffer.allocUnsafe(input.length);
    let n = 0;
    for (let i = 0; i < input.length; i++) {
      const b = input[i]!;
      switch (this.state) {
        case State.Ground:
          if (b === ESC) this.state = State.Escape;
          else if (b >= 0x20 ? b !== 0x7f : b === 0x09 || b === 0x0a || b === 0x0d) out[n++] = b;
          break;
        case State.Escape:
          if (b === 0x5b)
            this.state = State.Csi; // [
          else if (b === 0x5d || b === 0x50 || b === 0x58 || b === 0x5e || b === 0x5f)
            this.state = State.String; // ] P X ^ _
          else if (b >= 0x20 && b <= 0x2f) this.state = State.EscapeIntermediate;
          else if (b !== ESC) this.state = State.Ground;
          break;
        case State.EscapeIntermediate:
          if (b < 0x20 || b > 0x2f) this.state = State.Ground;
          break;
        case State.Csi:
          if ((b >= 0x40 && b <= 0x7e) || b === 0x18 || b === 0x1a)
            this.state = State.Ground; // final, CAN, SUB
          else if (b === ESC) this.state = State.Escape;
          break;
        case State.String:
          if (b === 0x07 || b === 0x18 || b === 0x1a) this.state = State.Ground;
          else if (b === ESC) this.state = State.StringEscape;
          break;
        case State.StringEscape:
          this.state = b === 0x5c ? State.Ground : b === ESC ? State.StringEscape : State.String;
          break;
      }
    }
    return out.subarray(0, n);
  }
}
