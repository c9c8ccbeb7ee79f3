// Test-only: the W3C webvtt-parser (npm) as a line-oriented checker for the Python tests.
// Each stdin line is a JSON string holding a whole WebVTT file; for each, one stdout line of JSON:
// {"errors": [{message, line, col}], "cues": [{id, startTime, endTime, text}]}.
// One process serves a whole test module (tests/test_webvtt_w3c.py), so Node starts once.
"use strict";
const path = require("path");
const readline = require("readline");
const { WebVTTParser } = require(path.join(__dirname, "node_modules", "webvtt-parser"));

const parser = new WebVTTParser();
const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on("line", (line) => {
  let out;
  try {
    const tree = parser.parse(JSON.parse(line));
    out = {
      errors: tree.errors.map((e) => ({ message: e.message, line: e.line, col: e.col })),
      cues: tree.cues.map((c) => ({ id: c.id, startTime: c.startTime, endTime: c.endTime, text: c.text })),
    };
  } catch (e) {
    out = { errors: [{ message: "checker crashed: " + String(e), line: 0, col: 0 }], cues: [] };
  }
  process.stdout.write(JSON.stringify(out) + "\n");
});
