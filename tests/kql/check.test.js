'use strict';
// The KQL check must fail when it should: broken queries of every kind it claims to catch,
// and the shape of the export's own former bug.
//
//   node --test tests/kql/

const test = require('node:test');
const assert = require('node:assert');
const { check, describe } = require('./check.js');

const codes = (text) => check(text).problems.map((p) => p.code);

test('a valid query over every documented type passes, with its result schema', () => {
    const r = check(
        'AADProvisioningLogs\n' +
            '| where TimeGenerated > ago(1d) and DurationMs > 100 and _BilledSize > 0.5\n' +
            '| where Action == "Create" and ResultType == "Failure"\n' +
            '| extend Code = tostring(ResultSignature), Steps = parse_json(ProvisioningSteps)\n' +
            '| project TimeGenerated, Code, StatusInfo\n',
    );
    assert.deepStrictEqual(r.problems, []);
    assert.deepStrictEqual(r.columns, ['TimeGenerated:datetime', 'Code:string', 'StatusInfo:string']);
});

test('a syntax error fails, with its line, column and the KQL line', () => {
    const text = 'AADProvisioningLogs\n| where TimeGenerated > ago(1d\n| take 1\n';
    const r = check(text);
    assert.ok(r.problems.length > 0);
    assert.match(describe(text, 'q.kql', r.problems[0]), /^q\.kql:\d+:\d+: error KS\d+: /);
});

test('an unknown column fails', () => {
    const text = 'AADProvisioningLogs\n| extend Code = tostring(ErrorCode)\n';
    const r = check(text);
    assert.deepStrictEqual(
        r.problems.map((p) => p.code),
        ['KS142'],
    );
    const shown = describe(text, 'q.kql', r.problems[0]);
    assert.match(shown, /^q\.kql:2:26: error KS142: The name 'ErrorCode'/);
    assert.match(shown, /\n {4}\| extend Code = tostring\(ErrorCode\)\n {29}\^{9}$/);
});

test('an unknown table fails', () => {
    assert.deepStrictEqual(codes('AADProvisioningLog | take 1'), ['KS204']);
});

test('a type error fails', () => {
    assert.deepStrictEqual(codes('AADProvisioningLogs | where TimeGenerated > 5'), ['KS106']);
});

test('a datatable row with a missing value fails', () => {
    assert.deepStrictEqual(codes('datatable(ErrorCode:string, CodeDiagnosis:string)[@"a", @"b", @"c"]'), ['KS173']);
});

test('case() without its else value fails', () => {
    assert.ok(codes('AADProvisioningLogs | extend D = case(ResultSignature == "x", "y")').length > 0);
});

test("a lookup column that shadows one of the table's fails (the export's former Category bug)", () => {
    const text =
        'let ProvlogEntries = datatable(DiagnosisId:string, Category:string)[@"entra.conflict", @"conflict"];\n' +
        'AADProvisioningLogs\n' +
        '| extend DiagnosisId = tostring(ResultSignature)\n' +
        '| join kind=leftouter ProvlogEntries on DiagnosisId\n' +
        '| project Category\n';
    const r = check(text);
    assert.deepStrictEqual(
        r.problems.map((p) => p.code),
        ['join-shadow'],
    );
    assert.match(r.problems[0].message, /'Category'.*'Category1'/);
    assert.match(describe(text, 'q.kql', r.problems[0]), /^q\.kql:4:3: /);
});

test('a join that shares only its keys passes', () => {
    const r = check(
        'let Codes = datatable(ErrorCode:string, CodeDiagnosis:string)[@"Conflict", @"entra.conflict"];\n' +
            'AADProvisioningLogs\n' +
            '| extend ErrorCode = tostring(ResultSignature)\n' +
            '| join kind=leftouter Codes on ErrorCode\n',
    );
    assert.deepStrictEqual(r.problems, []);
    assert.strictEqual(r.joins, 1);
});

test('a regular expression RE2 rejects fails, in each place one is given', () => {
    for (const text of [
        'AADProvisioningLogs | where ResultDescription matches regex @"StatusCode:(\\s*"',
        'AADProvisioningLogs | extend S = extract(@"(?=Status)(\\w+)", 1, ResultDescription)',
        'AADProvisioningLogs | extend S = extract_all(@"(?x) a b", ResultDescription)',
        'AADProvisioningLogs | extend S = replace_regex(ResultDescription, @"\\u{41}", "a")',
    ]) {
        assert.deepStrictEqual(codes(text), ['regex'], text);
    }
});

test('regular expressions RE2 accepts pass and are counted', () => {
    const r = check(
        'AADProvisioningLogs\n' +
            '| where ResultDescription matches regex @"(?i)Format of (?P<attribute>\\w+) is ""invalid"""\n' +
            '| extend S = extract(@"StatusCode:\\s*(\\w+)", 1, ResultDescription)\n' +
            '| extend T = replace_regex(S, @"(\\d+)", @"<\\1>")\n',
    );
    assert.deepStrictEqual(r.problems, []);
    assert.strictEqual(r.regexes, 3);
});
