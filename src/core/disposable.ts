/** The core's own Disposable, so nothing below src/ui imports `vscode`. */
export interface Disposable {
  dispose(): void | Promise<void>;
}
