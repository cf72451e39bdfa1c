/**
 * The token stream of a `.lu` file, comments included, for the formatter. Deliberately generic:
 * it knows the lexical rules of the language (docs/language.md "Lexical"), not its constructs, so
 * a construct added to the grammar later is still tokenised and kept in order.
 */

export type TokenKind = "doc" | "comment" | "string" | "number" | "word" | "punct";

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Newlines in the whitespace before the token (0: on the same line as the previous token). */
  readonly newlinesBefore: number;
  readonly start: number;
}

const PUNCT2 = ["..", "<<", ">>", "->"];

/** Splits `text` into tokens; throws a RangeError on an unterminated block comment or string. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let newlines = 0;
  const push = (kind: TokenKind, end: number): void => {
    tokens.push({ kind, text: text.slice(i, end), newlinesBefore: newlines, start: i });
    newlines = 0;
    i = end;
  };
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === "\n") {
      newlines++;
      i++;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r" || c === "\f" || c === "\v") {
      i++;
      continue;
    }
    const rest2 = text.slice(i, i + 2);
    if (rest2 === "//") {
      const eol = text.indexOf("\n", i);
      const end = eol === -1 ? text.length : eol;
      const isDoc = text.startsWith("///", i) && !text.startsWith("////", i);
      push(isDoc ? "doc" : "comment", end);
      continue;
    }
    if (rest2 === "/*") {
      const close = text.indexOf("*/", i + 2);
      if (close === -1) throw new RangeError(`unterminated block comment at offset ${i}`);
      push("comment", close + 2);
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text.charAt(j) !== '"' && text.charAt(j) !== "\n") j += text.charAt(j) === "\\" ? 2 : 1;
      if (text.charAt(j) !== '"') throw new RangeError(`unterminated string at offset ${i}`);
      push("string", j + 1);
      continue;
    }
    const word = /^[A-Za-z0-9_]+/.exec(text.slice(i, i + 4096));
    if (word !== null) {
      push(/^[0-9]/.test(word[0]) ? "number" : "word", i + word[0].length);
      continue;
    }
    push("punct", i + (PUNCT2.includes(rest2) ? 2 : 1));
  }
  return tokens;
}

/** Tokens with their text only (trailing blanks of comments ignored): what formatting must keep. */
export function tokenTexts(tokens: readonly Token[]): string[] {
  return tokens.map((t) => (t.kind === "comment" || t.kind === "doc" ? t.text.trimEnd() : t.text));
}
