/**
 * The compiled ohm grammar of `.lu` (from the embedded copy of `codegen/grammar/lu.ohm`).
 */
import * as ohm from "ohm-js";
import { LU_GRAMMAR_SOURCE } from "../grammar/lu-grammar.js";

let compiled: ohm.Grammar | null = null;

export function luGrammar(): ohm.Grammar {
  compiled ??= ohm.grammar(LU_GRAMMAR_SOURCE);
  return compiled;
}
