/* pretalx-static: full-text search over the sessions file and its shards, loaded by app.js on the first search.
   The matching rule is generator/render/fulltext.py's (read its docstring): fold (NFD, marks removed, lower
   case), split into runs of letters and digits, ignore words shorter than 2, and find the sessions where every
   query word begins some word. Shards are scripts so that they load from file:// too. */
self.pretalxStaticFulltext = (() => {
  "use strict";
  const MIN_WORD = 2;
  const fold = (text) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  // code points, not UTF-16 units: the Python side counts "𝔸" as one character
  const words = (text) => [...new Set(fold(text).match(/[\p{L}\p{N}]+/gu) || [])].filter((w) => [...w].length >= MIN_WORD);
  const shardName = (word) => [...new TextEncoder().encode([...word].slice(0, MIN_WORD).join(""))]
    .map((b) => b.toString(16).padStart(2, "0")).join("");

  const loaded = new Map();  // shard name -> Promise of {word: delta-encoded positions}
  const loadShard = (base, name) => {
    if (!loaded.has(name)) {
      loaded.set(name, new Promise((resolve, reject) => {
        // {lang}/search/{name}.js next to {lang}/search.js (generator/urls.py, search_shard)
        const script = Object.assign(document.createElement("script"), { src: new URL(`search/${name}.js`, base).href });
        script.onload = () => resolve(self.pretalxStaticTerms[name]);
        script.onerror = () => { loaded.delete(name); reject(new Error(name)); };
        document.head.append(script);
      }));
    }
    return loaded.get(name);
  };

  // positions in the sessions file of the sessions with a word that `word` begins
  const positions = (shard, word) => {
    const found = new Set();
    for (const [term, deltas] of Object.entries(shard)) {
      if (!term.startsWith(word)) continue;
      let at = 0;
      for (const d of deltas) found.add(at += d);
    }
    return found;
  };

  /* The search of `query` in `index` (the sessions file, loaded from `base`): {words, sessions, speakers}, the
     query's words, the matching sessions as positions in index.sessions (ascending: timetable order) and the
     matching speakers (every word begins a word of the name). Rejects when a shard cannot be loaded. */
  const find = async (index, base, query) => {
    const wanted = words(query);
    const known = new Set(index.shards);
    const shards = await Promise.all(wanted.map((w) => known.has(shardName(w)) ? loadShard(base, shardName(w)) : {}));
    let sessions = null;
    wanted.forEach((w, i) => {
      const here = positions(shards[i], w);
      sessions = sessions ? new Set([...sessions].filter((p) => here.has(p))) : here;
    });
    index.speakerWords ??= index.speakers.map((p) => words(p.n));
    const speakers = wanted.length ? index.speakers.filter((p, i) => wanted.every((w) => index.speakerWords[i].some((n) => n.startsWith(w)))) : [];
    return { words: wanted, sessions: [...(sessions || [])].sort((a, b) => a - b), speakers };
  };

  return { find, words };
})();
