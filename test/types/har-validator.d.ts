/** har-validator ships no types: the promise API, checking a document against the HAR 1.2 JSON Schema. */
declare module 'har-validator' {
  const validator: {
    /** Resolves with the document when valid, rejects with a HARError listing the schema violations. */
    har(data: unknown): Promise<unknown>;
  };
  export default validator;
}
