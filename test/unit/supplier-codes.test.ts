// Invitation codes and the invite command's words: codes are read as people type them (any case,
// with or without the hyphen, O for 0, I or L for 1) and found only where a message is a code.
import { describe, expect, it } from "vitest";
import { CODE_LENGTH, findCode, generateCode, hashCode, normalizeCode } from "../../src/suppliers/codes.ts";
import { parseInvite } from "../../intents/supplier-invite.ts";
import { parseDueDate } from "../../src/suppliers/list-import.ts";

describe("invitation codes", () => {
  it("are ten characters without I, L, O or U, grouped 5-5, and differ every time", () => {
    const codes = new Set(Array.from({ length: 2000 }, generateCode));
    expect(codes.size).toBe(2000);
    for (const c of codes) {
      expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
      expect(normalizeCode(c)).toHaveLength(CODE_LENGTH);
    }
  });

  it("read what people type: lower case, no hyphen, full-width, O/I/L for 0/1", () => {
    expect(normalizeCode("7kq3m-xt9br")).toBe("7KQ3MXT9BR");
    expect(normalizeCode("7KQ3M XT9BR")).toBe("7KQ3MXT9BR");
    expect(normalizeCode("７ＫＱ３Ｍ－ＸＴ９ＢＲ")).toBe("7KQ3MXT9BR");
    expect(normalizeCode("O0ILA-BCDEF")).toBe("0011ABCDEF");
    expect(normalizeCode("7KQ3M-XT9B")).toBeNull();
    expect(normalizeCode("7KQ3M-XT9BU")).toBeNull();
    expect(hashCode("7KQ3MXT9BR")).toBe(hashCode(normalizeCode("7kq3m xt9br")!));
    expect(hashCode("7KQ3MXT9BR")).not.toContain("7KQ3M");
  });

  it("are found when the message is a code, not inside other sentences", () => {
    expect(findCode("7KQ3M-XT9BR")).toBe("7KQ3M-XT9BR");
    expect(findCode("参加コード 7KQ3M-XT9BR")).toBe("7KQ3M-XT9BR");
    expect(findCode("招待コードは7KQ3M-XT9BRです")).toBe("7KQ3M-XT9BR");
    expect(findCode("join 7kq3m-xt9br")).toBe("7kq3m-xt9br");
    expect(findCode("code: 7KQ3MXT9BR")).toBe("7KQ3MXT9BR");
    expect(findCode("No.1-3 達成")).toBeNull();
    expect(findCode("7KQ3MXT9BR")).toBeNull(); // a bare word of ten letters needs the hyphen or a word before it
    expect(findCode("コードについて教えて")).toBeNull();
  });
});

describe("the invite command", () => {
  it("takes a name first, then due date and contact in any order", () => {
    expect(parseInvite("取引先に自己評価を依頼 株式会社サンプル 期限 2027-01-31 連絡先 a@b.jp")).toEqual({ name: "株式会社サンプル", due: "2027-01-31", contact: "a@b.jp" });
    expect(parseInvite("取引先に自己評価を依頼「東海部品」 連絡先: 山田様 期限は2027年1月31日")).toEqual({ name: "東海部品", contact: "山田様", due: "2027年1月31日" });
    expect(parseInvite("invite a supplier Acme Castings due 2027-03-31 contact jane@acme.example")).toEqual({ name: "Acme Castings", due: "2027-03-31", contact: "jane@acme.example" });
    expect(parseInvite("取引先に自己評価を依頼")).toEqual({});
    expect(parseInvite("取引先の自己評価って何?")).toBeNull();
  });

  it("reads due dates as days and refuses impossible ones", () => {
    expect(parseDueDate("2027/1/31")?.toISOString()).toBe("2027-01-31T00:00:00.000Z");
    expect(parseDueDate("2027年2月28日")?.toISOString()).toBe("2027-02-28T00:00:00.000Z");
    expect(parseDueDate("2027-02-30")).toBeNull();
    expect(parseDueDate("来月")).toBeNull();
  });
});
