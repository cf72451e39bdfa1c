/** Names of the symbols a declaration generates besides its main one (one place, used by every emitter). */
import { constantName, typeName } from "../../naming.js";

export const symbols = {
  structClass: (struct: string): string => typeName(struct),
  valueObject: (decl: string): string => constantName(decl),
  valueType: (decl: string): string => typeName(decl, "Type"),
  enumGuard: (enumName: string): string => `is${typeName(enumName, "Type")}`,
  enumNames: (enumName: string): string => `${constantName(enumName)}_NAMES`,
  flagsAll: (flagsName: string): string => `${constantName(flagsName)}_ALL`,
  streamRecords: (stream: string): string => `${constantName(stream)}_RECORD`,
  streamRecordType: (stream: string): string => `${typeName(stream, "Type")}Record`,
  streamRecordNames: (stream: string): string => `${constantName(stream)}_RECORD_NAMES`,
  streamFormat: (stream: string): string => `${constantName(stream)}_FORMAT`,
  streamBodies: (stream: string): string => `${constantName(stream)}_BODIES`,
  constant: (name: string): string => constantName(name),
  nodeClass: (node: string): string => typeName(node, "Node"),
};
