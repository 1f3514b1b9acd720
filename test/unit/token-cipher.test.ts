import { describe, expect, it } from "vitest";
import { TokenCipher } from "../../src/installations/token-cipher.ts";

describe("TokenCipher (AES-256-GCM)", () => {
  const cipher = new TokenCipher(Buffer.alloc(32, 1));

  it("round-trips a token, with a fresh IV each time and no plaintext in the stored form", () => {
    const a = cipher.encrypt("xoxb-123-secret");
    const b = cipher.encrypt("xoxb-123-secret");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1:/);
    expect(Buffer.from(a.slice(3), "base64").toString("latin1")).not.toContain("xoxb");
    expect(cipher.decrypt(a)).toBe("xoxb-123-secret");
  });

  it("refuses a changed byte, another key and an unknown encoding", () => {
    const stored = cipher.encrypt("xoxb-123-secret");
    const raw = Buffer.from(stored.slice(3), "base64");
    raw[raw.length - 1] ^= 1;
    expect(() => cipher.decrypt(`v1:${raw.toString("base64")}`)).toThrow();
    expect(() => new TokenCipher(Buffer.alloc(32, 2)).decrypt(stored)).toThrow();
    expect(() => cipher.decrypt("xoxb-plain")).toThrow(/unknown token encoding/);
    expect(() => new TokenCipher(Buffer.alloc(16))).toThrow(/32 bytes/);
  });
});
