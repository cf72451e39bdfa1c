/**
 * The parser's depth limits, checked without recursion so that they never depend on the stack.
 *
 * Ohm (and the AST builder after it) recurse once per level of parentheses and per unary
 * operator, so `nestingDepth` scans the text before ohm sees it: the first `(`, `-` or `~` that
 * opens more than `maxNesting` levels at once is reported at its own position. The constant
 * evaluator recurses once per operator of an expression tree (`1+1+…+1` is a tree as deep as the
 * chain is long), so the AST builder also measures each tree as it builds it, against
 * `maxExpressionDepth`.
 */

export interface ParseOptions {
  /** Most parentheses and unary operators open at once in an expression. Default 64. */
  readonly maxNesting?: number;
  /** Most operators on one path of an expression tree (a chain `a+b+c` is 2 deep). Default 256. */
  readonly maxExpressionDepth?: number;
}

export const DEFAULT_MAX_NESTING = 64;
export const DEFAULT_MAX_EXPRESSION_DEPTH = 256;

export interface NestingViolation {
  /** Offset of the `(`, `-` or `~` that went over the limit. */
  readonly at: number;
  readonly depth: number;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * Scans `text` with the grammar's lexical rules (comments, doc lines, strings are skipped) and
 * returns where parentheses plus pending unary operators first exceed `limit`, or null. A `-` is
 * unary unless it follows an operand (a word, a number, `)`, `]` or a string); `~` is always unary.
 * A unary operator stays open until the operand it applies to ends.
 */
export function nestingDepth(text: string, limit: number): NestingViolation | null {
  /** Unary operators pending at each open parenthesis level (index 0: outside any). */
  const pending: number[] = [0];
  let depth = 0; // open parentheses + every pending unary operator
  let afterOperand = false;
  const endOperand = (): void => {
    const top = pending.length - 1;
    depth -= pending[top] ?? 0;
    pending[top] = 0;
    afterOperand = true;
  };
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? n : nl;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) {
      const close = text.indexOf("*/", i + 2);
      i = close < 0 ? n : close + 2;
      continue;
    }
    if (c === 34 /* " */) {
      i++;
      while (i < n && text.charCodeAt(i) !== 34 && text.charCodeAt(i) !== 10) i += text.charCodeAt(i) === 92 ? 2 : 1;
      i++;
      endOperand();
      continue;
    }
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    if (isWordChar(c)) {
      while (i < n && isWordChar(text.charCodeAt(i))) i++;
      endOperand();
      continue;
    }
    if (c === 40 /* ( */) {
      pending.push(0);
      depth++;
      if (depth > limit) return { at: i, depth };
      afterOperand = false;
    } else if (c === 41 /* ) */) {
      if (pending.length > 1) {
        depth -= 1 + (pending.pop() ?? 0);
        endOperand();
      } else afterOperand = true;
    } else if (c === 126 /* ~ */ || (c === 45 /* - */ && !afterOperand)) {
      pending[pending.length - 1] = (pending[pending.length - 1] ?? 0) + 1;
      depth++;
      if (depth > limit) return { at: i, depth };
      afterOperand = false;
    } else if (c === 93 /* ] */) {
      afterOperand = true;
    } else {
      // any other punctuation ends what a stray unary operator was waiting for
      const top = pending.length - 1;
      depth -= pending[top] ?? 0;
      pending[top] = 0;
      afterOperand = false;
    }
    i++;
  }
  return null;
}
