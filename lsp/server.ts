/**
 * `lu lsp`: a Language Server Protocol server over stdio for `.lu` schemas. Diagnostics as you
 * type (the compiler's own codes and ranges), hover, go to definition across imports, completion
 * of type names and of the next free offset, formatting (`lu fmt`), document symbols.
 */
import { TextDocument } from "vscode-languageserver-textdocument";
import {
  ProposedFeatures,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type Connection,
} from "vscode-languageserver/node";
import { formatLu } from "../codegen/fmt/format.js";
import { completion, definition, documentSymbols, hover, toLspDiagnostics } from "./features.js";
import { rangeOf } from "./positions.js";
import { Workspace, uriToPath } from "./workspace.js";

export function startServer(
  connection: Connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout),
): Connection {
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace();

  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      definitionProvider: true,
      completionProvider: { triggerCharacters: ["@", ":", " "] },
      documentFormattingProvider: true,
      documentSymbolProvider: true,
    },
    serverInfo: { name: "lu-codec" },
  }));

  /** Re-checks every open document: an edit to one may change what its importers see. */
  const validateAll = (): void => {
    for (const doc of documents.all()) {
      const path = uriToPath(doc.uri);
      const text = doc.getText();
      const { diagnostics } = workspace.analyse(path);
      void connection.sendDiagnostics({
        uri: doc.uri,
        version: doc.version,
        diagnostics: toLspDiagnostics(diagnostics, path, text, (p) => workspace.text(p)),
      });
    }
  };

  documents.onDidChangeContent((change) => {
    workspace.setText(uriToPath(change.document.uri), change.document.getText());
    validateAll();
  });
  documents.onDidClose((e) => {
    workspace.close(uriToPath(e.document.uri));
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  const docOf = (uri: string): { text: string; path: string } | null => {
    const doc = documents.get(uri);
    return doc === undefined ? null : { text: doc.getText(), path: uriToPath(uri) };
  };

  connection.onHover((p) => {
    const d = docOf(p.textDocument.uri);
    return d === null ? null : hover(d.text, d.path, p.position, workspace.program(d.path));
  });
  connection.onDefinition((p) => {
    const d = docOf(p.textDocument.uri);
    return d === null
      ? null
      : definition(d.text, d.path, p.position, workspace.program(d.path), (f) => workspace.text(f));
  });
  connection.onCompletion((p) => {
    const d = docOf(p.textDocument.uri);
    return d === null ? [] : completion(d.text, d.path, p.position, workspace.program(d.path));
  });
  connection.onDocumentSymbol((p) => {
    const d = docOf(p.textDocument.uri);
    return d === null ? [] : documentSymbols(d.text, d.path);
  });
  connection.onDocumentFormatting((p) => {
    const d = docOf(p.textDocument.uri);
    if (d === null) return [];
    const result = formatLu(d.path, d.text);
    if (!result.ok || !result.changed) return [];
    return [{ range: rangeOf(d.text, 0, d.text.length), newText: result.text }];
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}
