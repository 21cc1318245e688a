import test from "ava";
import { parseCsv } from "../../packages/cli/src/data.js";

test("CSV errors name the right line after a quoted field holding a CRLF line break", (t) => {
  // csv-parse counts a CRLF inside quotes as two lines; the rows after it, and the row holding it, were named one line late.
  const after = t.throws(() => parseCsv('a,b,label\r\n1,2,"p\r\nq"\r\n3,4,y\r\n5,x,z\r\n', "c.csv", "label"));
  t.is(after?.message, "c.csv:5: feature 'b' is not a number: 'x'");
  const own = t.throws(() => parseCsv('a,b,label\r\n1,x,"p\r\nq"\r\n3,4,y\r\n', "c.csv", "label"));
  t.is(own?.message, "c.csv:2: feature 'b' is not a number: 'x'");
  const unclosed = t.throws(() => parseCsv('a,b,label\r\n1,2,"p\r\nq"\r\n3,4,y\r\n5,6,"z\r\n', "c.csv", "label"));
  t.regex(unclosed?.message ?? "", /^c\.csv:5: a quoted field is never closed/);
});
