// The one reading of a typed yes or no, for every question the bot asks (waitlist, cancelling a
// session, a broadcast, an import, locking as submitted, a change of many items): the answer
// buttons mean the same as these words.
import { normalize, stripChatNoise } from "./normalize.ts";

const YES =
  /^(はい|はーい|はい、?お願いします|うん|ええ|お願いします|おねがいします|お願い|お願いしたい|進めて(ください)?|実行(する|して(ください)?)?|登録(する|して(ください)?)|送信(する|して(ください)?)?|それで(お願いします)?|そうして(ください)?|いいよ|いいです|大丈夫です|了解(です)?|ok|okay|ok!|yes|yes please|y|yep|yeah|sure|go ahead|confirm|please do|do it)$/i;
const NO =
  /^(いいえ|いや|いえ|いいえ、?結構です|結構です|やめる|やめます|やめて(ください)?|やめとく|やめておく|やめておきます|しない|しません|不要(です)?|いらない|いりません|キャンセル|取りやめ(る|ます)?|no|no thanks|n|nope|cancel|don'?t|stop|abort|never ?mind)$/i;

/** "yes" or "no" when the whole message is one of the words, else undefined. */
export function readYesNo(text: string): "yes" | "no" | undefined {
  const t = stripChatNoise(normalize(text)).replace(/[〜~ー-]+$/u, "");
  if (YES.test(t)) return "yes";
  if (NO.test(t)) return "no";
  return undefined;
}
