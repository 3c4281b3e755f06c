// The MDN HTTP Observatory's scan of a local server on any ports, as JSON on stdout.
//
//   node scan.mjs HOSTNAME HTTP_PORT HTTPS_PORT
//
// The package's own CLI (and its scan()) only reach ports 80 and 443; this is its scan() with the
// ports passed to retrieve(), grading unchanged (src/scanner/index.js, version 1.4.8).
import { retrieve } from "@mdn/mdn-http-observatory/src/retriever/retriever.js";
import { ALL_TESTS, NUM_TESTS } from "@mdn/mdn-http-observatory/src/constants.js";
import { MINIMUM_SCORE_FOR_EXTRA_CREDIT } from "@mdn/mdn-http-observatory/src/grader/charts.js";
import {
  getGradeForScore,
  getScoreModifier,
} from "@mdn/mdn-http-observatory/src/grader/grader.js";

const [hostname, httpPort, httpsPort] = process.argv.slice(2);
const r = await retrieve(hostname, { httpPort, httpsPort });
if (!r.responses.auto) {
  console.log(JSON.stringify({ error: "The site seems to be down." }));
  process.exit(1);
}
const results = ALL_TESTS.map((test) => test(r));
let passed = 0;
let withExtraCredit = 100;
let uncurved = 100;
for (const result of results) {
  if (result.result) {
    result.scoreModifier = getScoreModifier(result.result);
    passed += result.pass ? 1 : 0;
    withExtraCredit += result.scoreModifier;
    if (result.scoreModifier < 0) uncurved += result.scoreModifier;
  }
}
const final = getGradeForScore(
  uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withExtraCredit : uncurved
);
const tests = Object.fromEntries(
  results.map((result) => [
    result.constructor.name,
    { pass: result.pass, result: result.result, scoreModifier: result.scoreModifier },
  ])
);
console.log(
  JSON.stringify(
    {
      scan: {
        grade: final.grade,
        score: final.score,
        statusCode: r.responses.auto.status,
        testsPassed: passed,
        testsQuantity: NUM_TESTS,
      },
      tests,
    },
    null,
    2
  )
);
