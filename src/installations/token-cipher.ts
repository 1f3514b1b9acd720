// Encryption of platform tokens at rest: AES-256-GCM through node:crypto, a fresh 12-byte IV per
// value, the 16-byte tag checked on the way out. The stored form is "v1:<base64 iv|tag|cipher>",
// so a later key or algorithm can be told apart. A wrong key or a changed byte fails loudly.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

export class TokenCipher {
  private readonly key: Buffer;

  /** `key`: 32 bytes (SLACK_TOKEN_KEY as base64 or hex, see config.ts). */
  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error("the token key must be 32 bytes");
    this.key = key;
  }

  /** A key derived from another secret: development only (config.ts refuses it in production). */
  static derivedFrom(secret: string): TokenCipher {
    return new TokenCipher(createHash("sha256").update(`jama-token-key:${secret}`).digest());
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
  }

  decrypt(stored: string): string {
    if (!stored.startsWith("v1:")) throw new Error("unknown token encoding");
    const raw = Buffer.from(stored.slice(3), "base64");
    if (raw.length < 29) throw new Error("encrypted token is too short");
    const decipher = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  }
}
