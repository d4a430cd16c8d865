import { expect } from 'chai';
import { ValidationError } from '../../compiler/errors.ts';
import { checkJinjaExpression, evaluateJinja, pythonTruthy, renderJinja } from '../../compiler/jinja.ts';
import { thrown } from '../support/thrown.ts';

const render = (source: string, vars: Record<string, unknown> = {}, file?: string): string =>
  renderJinja(source, vars, { field: 'template.src', ...(file !== undefined && { file }) });

describe('jinja', () => {
  describe('renderJinja', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['{{ a }}-{{ b | default("x") }}', { a: 1 }, '1-x'],
      ['{% if c is defined %}c{% else %}no c{% endif %}', {}, 'no c'],
      ['{% for i in xs %}{{ loop.index }}:{{ i }} {% endfor %}', { xs: ['a', 'b'] }, '1:a 2:b '],
      ['{% set y = 2 %}{{ y * 3 }}', {}, '6'],
      ['{{ h.k | upper }} {{ h["k"] }}', { h: { k: 'v' } }, 'V v'],
      ["{{ xs[-1] }} {{ '10.0.0.7'.split('.')[-2] }}", { xs: [1, 2, 3] }, '3 0'],
      ['{{ "a-b" | regex_replace("-(b)", "_\\\\1") }}', {}, 'a_b'],
      ['{{ "$x" | regex_replace("x", "$1") }}', {}, '$$1'],
      ['{{ on | ternary("yes", "no") }} {{ "Yes" | bool }}', { on: false }, 'no True'],
      ['{{ xs | join(",") }} {{ "a,b".split(",") | length }}', { xs: [1, 2] }, '1,2 2'],
      [
        '{{ m | to_json }} {{ m | to_nice_json(indent=2) }}',
        { m: { b: 'é', a: [1, true, null] } },
        '{"b": "\\u00e9", "a": [1, true, null]} {\n  "a": [\n    1,\n    true,\n    null\n  ],\n  "b": "\\u00e9"\n}',
      ],
      ['{{ "/etc/nginx/nginx.conf" | basename }} {{ None is none }} {{ True }}', {}, 'nginx.conf True True'],
      // Output reads as Python's str(), as Ansible writes it; None is nothing (Ansible's finalize).
      [
        '{{ on }} {{ off }} [{{ n }}] {{ xs }} {{ m }}',
        { on: true, off: false, n: null, xs: [1, 'two', null], m: { a: 1, "it's": 'x\n' } },
        "True False [] [1, 'two', None] {'a': 1, \"it's\": 'x\\n'}",
      ],
      ['{{ "%s:%05d %-4s| %.2f %x %r %%" | format(h, 80, "ab", 2.5, 255, "q") }}', { h: 'web' }, "web:00080 ab  | 2.50 ff 'q' %"],
      // Jinja2's filters nunjucks lacks.
      [
        '{{ xs | map(attribute="port") | join(",") }} {{ xs | map(attribute="tls", default="no") | list }}',
        { xs: [{ port: 80 }, { port: 443, tls: 'yes' }] },
        "80,443 ['no', 'yes']",
      ],
      ['{{ ["a", "b"] | map("upper") | join }} {{ ["a-b"] | map("replace", "-", "_") | first }}', {}, 'AB a_b'],
      [
        '{{ [3, 1, 2] | min }} {{ [3, 1, 2] | max }} {{ xs | max(attribute="n") | attr("k") }}',
        {
          xs: [
            { n: 1, k: 'a' },
            { n: 5, k: 'b' },
          ],
        },
        '1 3 b',
      ],
      ['{{ m | tojson }} {% for k, v in m | items %}{{ k }}={{ v }} {% endfor %}', { m: { a: [1] } }, '{"a": [1]} a=[1] '],
      // Ansible's filters.
      [
        '{{ a | combine(b) }} {{ a | combine(b, recursive=true) }}',
        { a: { x: { p: 1 }, y: 1 }, b: { x: { q: 2 } } },
        "{'x': {'q': 2}, 'y': 1} {'x': {'p': 1, 'q': 2}, 'y': 1}",
      ],
      ['{{ [1, [2, [3]]] | flatten }} {{ [1, [2, [3]]] | flatten(1) }}', {}, '[1, 2, 3] [1, 2, [3]]'],
      ['{{ "it\'s" | quote }} {{ "plain-1.0" | quote }} {{ "" | quote }}', {}, "'it'\"'\"'s' plain-1.0 ''"],
      ['{{ "a1 b22" | regex_findall("[a-z](\\\\d+)") }} {{ "1.2" | regex_escape }}', {}, "['1', '22'] 1\\.2"],
      // Tests Ansible templates use.
      ['{{ "web-1" is match("web") }} {{ "a-web" is match("web") }} {{ "a-web" is search("web") }}', {}, 'True False True'],
      [
        '{{ v is version("1.10", ">") }} {{ v is version("1.9.2", "ge") }} {{ v is version("1.9", "==") }}',
        { v: '1.9.2' },
        'False True False',
      ],
      [
        '{{ xs is contains(2) }} {{ 1.5 is float }} {{ 2 is integer }} {{ true is boolean }} {{ "s" is sequence }}',
        { xs: [1, 2] },
        'True True True True True',
      ],
      // Python's list methods give None.
      ['{% set xs = [] %}{{ xs.append(1) }}{{ xs.extend([2, 3]) }}{{ xs.insert(0, 0) }}{{ xs.pop() }} {{ xs }}', {}, '3 [0, 1, 2]'],
      // Raw blocks and line endings as Jinja2 reads them.
      ['{% raw %}\n{{ x }}{% endraw %}\n|{% raw -%}\n  y{% endraw %}', {}, '\n{{ x }}|y'],
      ['a\r\nb\rc{{ v }}', { v: '\r\n' }, 'a\nb\nc\r\n'],
      // trim_blocks as in Ansible: the newline after a block tag is removed.
      ['{% if true %}\nline\n{% endif %}\nend', {}, 'line\nend'],
    ];
    for (const [source, vars, expected] of cases) {
      it(`${JSON.stringify(source)} → ${JSON.stringify(expected)}`, () => {
        expect(render(source, vars)).to.equal(expected);
      });
    }

    it('names an undefined variable, the file, the line and the column', () => {
      const error = thrown(() => render('first\n  {{ nope }}', {}, 'roles/web/templates/site.j2'));
      expect(error).to.be.instanceOf(ValidationError);
      expect((error as ValidationError).describe()).to.equal("roles/web/templates/site.j2:2:6: template.src: 'nope' is undefined");
    });

    it('refuses an undefined variable that is only tested or looped over, as strict undefined does', () => {
      expect(thrown(() => render('{% if nope == 1 %}x{% endif %}')).message).to.include("'nope' is undefined (line 1, column 7)");
      expect(thrown(() => render('{% for x in nope %}{% endfor %}')).message).to.include("'nope' is undefined");
    });

    it('refuses an undefined attribute when it is output', () => {
      const error = thrown(() => render('{{ h.missing }}', { h: {} }, 't.j2')) as ValidationError;
      expect(error.describe()).to.equal('t.j2:1:1: template.src: an undefined value is output');
    });

    it('reports a syntax error at its line', () => {
      const error = thrown(() => render('ok\n{% if %}', {}, 'bad.j2')) as ValidationError;
      expect(error.describe()).to.match(/^bad\.j2:2:\d+: template\.src: unexpected token/);
    });

    it('format refuses too few or too many values, and a conversion it does not know', () => {
      expect(thrown(() => render('{{ "%s %s" | format(1) }}')).message).to.include('not enough arguments');
      expect(thrown(() => render('{{ "%s" | format(1, 2) }}')).message).to.include('not all arguments converted');
      expect(thrown(() => render('{{ "%q" | format(1) }}')).message).to.include('unsupported conversion %q');
    });

    it('does not escape HTML (templates write config files, not pages)', () => {
      expect(render('{{ v }}', { v: '<a href="x">&</a>' })).to.equal('<a href="x">&</a>');
    });
  });

  describe('evaluateJinja', () => {
    const where = { field: 'compose.name' };
    it('gives values, not text', () => {
      expect(evaluateJinja('tags.Name | lower', { tags: { Name: 'WEB' } }, where)).to.equal('web');
      expect(evaluateJinja("[a, 'b']", { a: 1 }, where)).to.deep.equal([1, 'b']);
      expect(evaluateJinja("{'k': a}", { a: 1 }, where)).to.deep.equal({ k: 1 });
      expect(evaluateJinja("x == 'a' and y is defined", { x: 'a' }, where)).to.equal(false);
      expect(evaluateJinja('n + 1', { n: 41 }, where)).to.equal(42);
    });

    it('maps attributes and filters over a list (Jinja map)', () => {
      const groups = [{ group_id: 'sg-1', group_name: 'web' }, { group_id: 'sg-2' }];
      expect(evaluateJinja("groups | map(attribute='group_id') | list", { groups }, where)).to.deep.equal(['sg-1', 'sg-2']);
      expect(evaluateJinja("groups | map(attribute='group_name', default='none') | list", { groups }, where)).to.deep.equal([
        'web',
        'none',
      ]);
      expect(evaluateJinja("names | map('upper') | join(',')", { names: ['a', 'b'] }, where)).to.equal('A,B');
      expect(thrown(() => evaluateJinja("groups | map(attribute='group_name') | list", { groups }, where)).message).to.equal(
        "compose.name: 'group_name' is undefined",
      );
    });

    it("has Python's dict() and Ansible's zip", () => {
      const devices = [
        { device_name: '/dev/sda1', ebs: { volume_id: 'vol-1' } },
        { device_name: '/dev/sdb', ebs: { volume_id: 'vol-2' } },
      ];
      expect(
        evaluateJinja(
          "dict(devices | map(attribute='device_name') | list | zip(devices | map(attribute='ebs.volume_id') | list))",
          { devices },
          where,
        ),
      ).to.deep.equal({ '/dev/sda1': 'vol-1', '/dev/sdb': 'vol-2' });
      expect(evaluateJinja('dict(a=1, b=x)', { x: 2 }, where)).to.deep.equal({ a: 1, b: 2 });
    });

    // Ansible's undefined is strict: a missing attribute fails wherever it is used, unless guarded.
    const tags = { tags: { Role: 'web' } };
    const strict: [string, unknown][] = [
      ["tags.Role is defined and tags.Role == 'web'", true],
      ["tags.Env is defined and tags.Env == 'prod'", false],
      ['tags.Env is not defined', true],
      ["tags.Env | default('none')", 'none'],
      ["tags['Env'] | d('none')", 'none'],
      ["tags.get('Env') is none", true],
      ["tags.get('Env', 'x')", 'x'],
    ];
    for (const [expression, value] of strict) {
      it(`${expression} → ${JSON.stringify(value)}`, () => expect(evaluateJinja(expression, tags, where)).to.deep.equal(value));
    }
    for (const expression of ["tags.Env == 'prod'", 'not tags.Env', "tags.Env or 'x'", 'tags.Env.Deeper is defined', "'a' in tags.Env"]) {
      it(`refuses ${expression} for a host without the attribute`, () => {
        expect(thrown(() => evaluateJinja(expression, tags, where)).message).to.match(/^compose\.name: /);
      });
    }

    it('keeps its meaning when a second copy of the module is loaded (as a playbook bundle carries one)', async () => {
      const copy = (await import(new URL('../../compiler/jinja.ts?second-copy', import.meta.url).href)) as {
        evaluateJinja: typeof evaluateJinja;
      };
      for (const evaluate of [evaluateJinja, copy.evaluateJinja]) {
        expect(evaluate("tags.get('Env') is none", tags, where)).to.equal(true);
        expect(thrown(() => evaluate("tags.Env == 'prod'", tags, where)).message).to.equal("compose.name: 'Env' is undefined");
      }
    });

    it('checks syntax, filters and tests without evaluating', () => {
      expect(() => checkJinjaExpression("tags.Role | lower | regex_replace('-', '_')", where)).to.not.throw();
      expect(thrown(() => checkJinjaExpression("security_groups | json_query('[].group_id')", where)).message).to.equal(
        "compose.name: filter 'json_query' is not available in bosun (in 'security_groups | json_query('[].group_id')')",
      );
      expect(thrown(() => checkJinjaExpression('x is frobbed', where)).message).to.include("test 'frobbed' is not available");
      expect(thrown(() => checkJinjaExpression('x ==', where)).message).to.match(/^compose\.name: unexpected token/);
    });

    it("has Python's truth values", () => {
      expect([[], {}, '', 0, null, false, undefined].map(pythonTruthy)).to.deep.equal(Array(7).fill(false));
      expect([[0], { a: 1 }, '0', 1, true].map(pythonTruthy)).to.deep.equal(Array(5).fill(true));
    });

    it('refuses an undefined variable naming the field', () => {
      expect(thrown(() => evaluateJinja('private_ip', {}, where)).message).to.equal(
        "compose.name: 'private_ip' is undefined (line 1, column 5)",
      );
    });
  });
});
