// wink-porter2-stemmer ships no types; its one export is the stemming function (module.exports = stem).
declare module 'wink-porter2-stemmer' {
  /** The Porter2 (Snowball English) stem of `word`, lower-cased. */
  function stem(word: string): string;
  export = stem;
}
