import { expect } from 'chai';
import { CompileMemo } from '../../compiler/compile-memo.ts';
import { compilePlan } from '../../compiler/compile-plan.ts';
import { renderPlan } from '../../compiler/render.ts';
import type { Play } from '../../compiler/playbook.ts';
import { selectSteps } from '../../compiler/selection.ts';
import { command, file, handler, role } from '../../index.ts';
import { testHost } from '../../testing/host.ts';

const web = role({
  name: 'web',
  resources: [file({ path: '/etc/web.conf', content: 'port 80\n', notify: ['reload'], tags: ['conf'] }), command({ argv: ['true'] })],
  handlers: [handler('reload', command({ argv: ['true'] }))],
});

describe('compiler/compile-memo', () => {
  it('gives hosts with the same roles the same steps and the same script, as compiling each alone would', () => {
    const plays: Play[] = [{ name: 'site', hosts: 'all', roles: [web] }];
    const memo = new CompileMemo();
    const [a, b] = ['a', 'b'].map((name) => compilePlan(testHost({ name }), plays, { memo }));
    expect(b!.steps[0]).to.equal(a!.steps[0]);
    expect(b!.handlers[0]).to.equal(a!.handlers[0]);
    const alone = compilePlan(testHost({ name: 'a' }), plays);
    expect(JSON.stringify(a)).to.equal(JSON.stringify(alone));
    const rendered = memo.rendered(a!, () => renderPlan(a!));
    expect(memo.rendered(b!, () => renderPlan(b!))).to.equal(rendered);
    expect(rendered.script).to.equal(renderPlan(alone).script);
  });

  it('keeps what tells a host apart: a role in two plays names each play, a selection renders its own script', () => {
    const plays: Play[] = [
      { name: 'first', hosts: 'all', roles: [web] },
      { name: 'second', hosts: 'all', roles: [web] },
    ];
    const memo = new CompileMemo();
    const plan = compilePlan(testHost(), plays, { memo });
    expect(plan.steps.map((step) => step.play)).to.deep.equal(['first', 'first', 'second', 'second']);
    const selected = selectSteps(plan, { tags: ['conf'] });
    const full = memo.rendered(plan, () => renderPlan(plan));
    const narrow = memo.rendered(selected, () => renderPlan(selected));
    expect(narrow).not.to.equal(full);
    expect(narrow.script).to.equal(renderPlan(selected).script);
  });

  it('compiles alone the resources a roles function builds for each host', () => {
    const plays: Play[] = [
      {
        name: 'own',
        hosts: 'all',
        roles: (host) => [role({ name: 'own', resources: [file({ path: '/etc/name', content: `${host.name}\n` })] })],
      },
    ];
    const memo = new CompileMemo();
    const [a, b] = ['a', 'b'].map((name) => compilePlan(testHost({ name }), plays, { memo }));
    expect(a!.steps[0]).not.to.equal(b!.steps[0]);
    expect(memo.rendered(a!, () => renderPlan(a!)).script).not.to.equal(memo.rendered(b!, () => renderPlan(b!)).script);
  });
});
