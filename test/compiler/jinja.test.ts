import { expect } from 'chai';
import { ValidationError } from '../../compiler/errors.ts';
import { evaluateJinja, renderJinja } from '../../compiler/jinja.ts';
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
      ['{{ "a-b" | regex_replace("-(b)", "_\\\\1") }}', {}, 'a_b'],
      ['{{ "$x" | regex_replace("x", "$1") }}', {}, '$$1'],
      ['{{ on | ternary("yes", "no") }} {{ "Yes" | bool }}', { on: false }, 'no true'],
      ['{{ xs | join(",") }} {{ "a,b".split(",") | length }}', { xs: [1, 2] }, '1,2 2'],
      ['{{ m | to_json }}', { m: { a: [1, true, null] } }, '{"a":[1,true,null]}'],
      ['{{ "/etc/nginx/nginx.conf" | basename }} {{ None is none }} {{ True }}', {}, 'nginx.conf true true'],
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

    it('refuses an undefined variable naming the field', () => {
      expect(thrown(() => evaluateJinja('private_ip', {}, where)).message).to.equal(
        "compose.name: 'private_ip' is undefined (line 1, column 5)",
      );
    });
  });
});
