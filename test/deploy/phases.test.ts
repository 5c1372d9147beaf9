// The deploy phases come from component types: every type in force-app has a phase, the order puts
// what the channel references first, and open mode leaves the key set out.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ComponentSet, RegistryAccess, SourceComponent } from '@salesforce/source-deploy-retrieve';
import { PHASES, phaseOfType, planPhases, UnplacedTypeError } from '../../scripts/deploy/phases.ts';
import { projectSnapshot } from './support.ts';

function projectComponents() {
    return ComponentSet.fromSource(join(projectSnapshot(), 'force-app'))
        .getSourceComponents()
        .toArray();
}

test('every metadata type in force-app belongs to a phase, and every component is planned', () => {
    const components = projectComponents();
    const unplaced = [...new Set(components.map((item) => item.type.name))].filter(
        (type) => !phaseOfType(type)
    );
    assert.deepEqual(unplaced, [], `types without a phase: ${unplaced.join(', ')}`);
    const planned = planPhases(components, 'verified').flatMap((phase) => phase.components);
    assert.equal(planned.length, components.length);
});

test('phase order: what the channel references, then the channel and deployment, then the console', () => {
    const order = (type: string) => PHASES.findIndex((phase) => phase.types.includes(type));
    for (const type of [
        'CustomField',
        'CustomMetadata',
        'Queue',
        'QueueRoutingConfig',
        'PresenceUserConfig',
        'ServicePresenceStatus',
        'PublicKeyCertificateSet',
        'Flow'
    ]) {
        assert.ok(order(type) < order('MessagingChannel'), `${type} before the channel`);
    }
    assert.equal(order('MessagingChannel'), order('EmbeddedServiceConfig'));
    for (const type of ['PermissionSet', 'FlexiPage', 'ApexClass', 'LightningComponentBundle']) {
        assert.ok(order(type) > order('EmbeddedServiceConfig'), `${type} after the deployment`);
    }
    // Permission sets grant access to classes and the credential: same request or later.
    assert.ok(order('PermissionSet') >= order('ApexClass'));
    assert.ok(order('PermissionSet') >= order('ExternalCredential'));
});

test('a component of a type no phase lists stops the plan and names the type', () => {
    const registry = new RegistryAccess();
    const stray = new SourceComponent({
        name: 'Stray',
        type: registry.getTypeByName('StaticResource')
    });
    assert.throws(
        () => planPhases([...projectComponents(), stray], 'verified'),
        (error: unknown) =>
            error instanceof UnplacedTypeError &&
            /StaticResource/.test(error.message) &&
            /scripts\/deploy\/phases\.ts/.test(error.message)
    );
});

test('open mode deploys no key set; verified mode deploys it in phase 1', () => {
    const components = projectComponents();
    const names = (mode: 'open' | 'verified') =>
        planPhases(components, mode).map((phase) => phase.components.map((item) => item.type));
    assert.ok(names('verified')[0].includes('PublicKeyCertificateSet'));
    assert.ok(!names('open').flat().includes('PublicKeyCertificateSet'));
    assert.equal(names('open').flat().length, names('verified').flat().length - 1);
});
