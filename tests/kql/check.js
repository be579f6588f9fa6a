'use strict';
// Parses and semantically checks a KQL query against the Log Analytics table
// AADProvisioningLogs with Microsoft's Kusto language service (@kusto/language-service-next,
// the Bridge.NET build of Microsoft's Kusto.Language parser and analyser).
//
//   node tests/kql/check.js FILE.kql
//
// Fails (status 1) on any error diagnostic, and on two things the language service lets
// through:
//   - a join whose two sides share a column other than its keys: Kusto renames the right
//     side's copy (Category -> Category1), so a later `Category` silently means the left
//     side's (the table's own) column;
//   - a regular expression (`matches regex`, extract, extract_all, replace_regex) that RE2,
//     Kusto's regex engine, rejects: Kusto refuses the whole query over one. re2js, a
//     JavaScript port of RE2, compiles each literal one.
// Each problem is printed with its line, column and the KQL line. Nothing is run.

const fs = require('fs');
const path = require('path');

const pkg = path.dirname(require.resolve('@kusto/language-service-next/package.json'));
require(path.join(pkg, 'bridge.js'));
require(path.join(pkg, 'Kusto.Language.Bridge.js'));
const K = global.Kusto.Language;
const S = K.Symbols;
const { RE2JS } = require('re2js');

// AADProvisioningLogs as the Azure Monitor Logs reference documents it (the table's
// reference page, and ../shared/reference/formats.md §4.1): the nested objects are JSON
// text in string columns. Action and StatusInfo are not in the reference but are real
// columns: Microsoft's own sample queries use Action, and a workspace export has both.
const AAD_PROVISIONING_LOGS = [
    ['AADTenantId', 'string'],
    ['_BilledSize', 'real'],
    ['Category', 'string'],
    ['ChangeId', 'string'],
    ['CorrelationId', 'string'],
    ['CycleId', 'string'],
    ['DurationMs', 'long'],
    ['Id', 'string'],
    ['InitiatedBy', 'string'],
    ['_IsBillable', 'string'],
    ['JobId', 'string'],
    ['ModifiedProperties', 'string'],
    ['OperationName', 'string'],
    ['OperationVersion', 'string'],
    ['ProvisioningAction', 'string'],
    ['ProvisioningStatusInfo', 'string'],
    ['ProvisioningSteps', 'string'],
    ['ResultDescription', 'string'],
    ['ResultSignature', 'string'],
    ['ResultType', 'string'],
    ['ServicePrincipal', 'string'],
    ['SourceIdentity', 'string'],
    ['SourceSystem', 'string'],
    ['TargetIdentity', 'string'],
    ['TargetSystem', 'string'],
    ['TenantId', 'string'],
    ['TimeGenerated', 'datetime'],
    ['Type', 'string'],
    ['Action', 'string'],
    ['StatusInfo', 'string'],
];

const SCALAR = {
    string: S.ScalarTypes.String,
    datetime: S.ScalarTypes.DateTime,
    long: S.ScalarTypes.Long,
    real: S.ScalarTypes.Real,
    dynamic: S.ScalarTypes.Dynamic,
};

function globals() {
    const columns = AAD_PROVISIONING_LOGS.map(
        ([name, type]) => new S.ColumnSymbol(name, SCALAR[type], null, null, null, null),
    );
    const table = new S.TableSymbol.$ctor4('AADProvisioningLogs', columns);
    const db = new S.DatabaseSymbol.$ctor1('LogAnalytics', [table], false);
    return K.GlobalState.Default.WithDatabase(db);
}

// A .NET IReadOnlyList as a JS array.
function list(l) {
    const out = [];
    if (l) for (let i = 0; i < l.Count; i++) out.push(l.getItem(i));
    return out;
}

const columnNames = (type) => list(type && type.Columns).map((c) => c.Name);

// Columns on both sides of a join that are not its keys (every name the `on` clause refers
// to): the right side's copy is renamed, and the name keeps meaning the left side's column.
function joinCollisions(code, counts) {
    const found = [];
    code.Syntax.WalkNodes((node) => {
        if (!Bridge.is(node, K.Syntax.JoinOperator) || !Bridge.is(node.Parent, K.Syntax.PipeExpression)) {
            return;
        }
        counts.joins++;
        const keys = new Set();
        if (node.ConditionClause) {
            node.ConditionClause.WalkNodes((n) => {
                if (Bridge.is(n, K.Syntax.NameReference)) keys.add(n.SimpleName);
            });
        }
        const right = new Set(columnNames(node.Expression.ResultType));
        const shared = columnNames(node.Parent.Expression.ResultType).filter((c) => right.has(c) && !keys.has(c));
        for (const c of shared) {
            found.push({
                severity: 'Error',
                code: 'join-shadow',
                message:
                    `both sides of the join have a column '${c}' that is not a join key: ` +
                    `the right side's becomes '${c}1' and '${c}' keeps meaning the left side's`,
                start: node.TextStart,
                length: node.JoinKeyword.Width,
            });
        }
    });
    return found;
}

// Regular expressions given as literals that RE2 does not compile. The functions that take
// one, with the position of its argument.
const REGEX_ARGUMENT = { extract: 0, extract_all: 0, replace: 0, replace_regex: 1 };
function badRegexes(code, counts) {
    const found = [];
    code.Syntax.WalkNodes((node) => {
        let re = null;
        if (node.Kind === K.Syntax.SyntaxKind.MatchesRegexExpression) {
            re = node.Right;
        } else if (Bridge.is(node, K.Syntax.FunctionCallExpression) && node.Name.SimpleName in REGEX_ARGUMENT) {
            const at = REGEX_ARGUMENT[node.Name.SimpleName];
            const args = node.ArgumentList.Expressions;
            re = args.Count > at ? args.getItem(at).Element : null;
        }
        if (!Bridge.is(re, K.Syntax.LiteralExpression) || typeof re.LiteralValue !== 'string') return;
        counts.regexes++;
        try {
            RE2JS.compile(re.LiteralValue);
        } catch (e) {
            found.push({
                severity: 'Error',
                code: 'regex',
                message: `RE2 (Kusto's regex engine) rejects ${JSON.stringify(re.LiteralValue)}: ${e.message}`,
                start: re.TextStart,
                length: re.Width,
            });
        }
    });
    return found;
}

// Checks KQL text: { problems: errors that fail the check, notes: other diagnostics,
// columns: the result's columns as "name:type", joins and regexes: how many were checked }.
function check(text) {
    const code = K.KustoCode.ParseAndAnalyze(text, globals());
    const problems = [];
    const notes = [];
    for (const d of list(code.GetDiagnostics())) {
        const p = { severity: d.Severity, code: d.Code, message: d.Message, start: d.Start, length: d.Length };
        (d.Severity === K.DiagnosticSeverity.Error ? problems : notes).push(p);
    }
    const counts = { joins: 0, regexes: 0 };
    problems.push(...joinCollisions(code, counts), ...badRegexes(code, counts));
    problems.sort((a, b) => a.start - b.start);
    const columns = list(code.ResultType && code.ResultType.Columns).map((c) => `${c.Name}:${c.Type.Name}`);
    return { problems, notes, columns, ...counts };
}

// "FILE:LINE:COL: severity CODE: message", the KQL line, and a caret under the spot.
function describe(text, file, p) {
    const before = text.slice(0, p.start);
    const line = before.split('\n').length;
    const lineStart = before.lastIndexOf('\n') + 1;
    let lineEnd = text.indexOf('\n', p.start);
    if (lineEnd < 0) lineEnd = text.length;
    const col = p.start - lineStart + 1;
    const src = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    const caret = ' '.repeat(col - 1) + '^'.repeat(Math.max(1, Math.min(p.length || 1, src.length - col + 1)));
    return `${file}:${line}:${col}: ${p.severity.toLowerCase()} ${p.code}: ${p.message}\n    ${src}\n    ${caret}`;
}

module.exports = { check, describe, AAD_PROVISIONING_LOGS };

if (require.main === module) {
    const file = process.argv[2];
    if (!file) {
        console.error('usage: node tests/kql/check.js FILE.kql');
        process.exit(2);
    }
    const text = fs.readFileSync(file, 'utf8');
    const started = Date.now();
    const { problems, notes, columns, joins, regexes } = check(text);
    for (const p of notes) console.log(describe(text, file, p));
    for (const p of problems) console.error(describe(text, file, p));
    const lines = text.split('\n').length - 1;
    const took = ((Date.now() - started) / 1000).toFixed(1);
    if (problems.length > 0) {
        console.error(`kql check: FAILED: ${problems.length} error(s) in ${file} (${lines} lines)`);
        process.exit(1);
    }
    if (columns.length === 0) {
        console.error(`kql check: FAILED: ${file} does not end in a query that returns a table`);
        process.exit(1);
    }
    console.log(
        `kql check: ${file} (${lines} lines) parses and checks against AADProvisioningLogs ` +
            `with no error (${joins} joins, ${regexes} regular expressions; ` +
            `${notes.length} other diagnostics) in ${took}s; result: ${columns.join(', ')}`,
    );
}
