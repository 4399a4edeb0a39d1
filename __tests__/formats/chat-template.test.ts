import { checkChatTemplate, inspectChatTemplateFile } from '../../src/inspect/formats/chat-template.js'
import { src } from './fixtures/bytes.js'

describe('chat template checks', () => {
  it.each([
    ["{{ ''|attr('__class__') }}", 'attr filter'],
    ["{{ request['application']['\\x5f\\x5fglobals\\x5f\\x5f'] }}", 'escaped underscore'],
    ["{{ getattr(x, 'y') }}", 'Python builtin call'],
    ["{{ lipsum._x }}", 'gadget object attribute chain'],
    ["{{ x.os.system('id') }}", 'os call']
  ])('flags %s', (tpl, construct) => {
    const issues = checkChatTemplate(tpl)
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({ rule: 'unsafe-serialization', severity: 'error' })
    expect(issues[0]?.message).toContain(construct)
  })

  it('leaves real templates alone (namespace() is a normal Jinja feature)', () => {
    const tpl =
      "{% set ns = namespace(system='') %}{% for m in messages %}{% if m.role == 'system' %}{% set ns.system = m.content %}" +
      "{% elif m.class == 'x' %}{{ raise_exception('bad') }}{% else %}{{ '<|' + m['role'] + '|>' + m['content'] | trim }}{% endif %}{% endfor %}"
    expect(checkChatTemplate(tpl)).toEqual([])
  })

  it('reads tokenizer_config.json (string and list forms), YAML and raw templates', async () => {
    const json = JSON.stringify({ chat_template: [{ name: 'default', template: '{{ m }}' }, { name: 'tool_use', template: '{{ self.__init__ }}' }] })
    const r = await inspectChatTemplateFile(src(Buffer.from(json)), { path: 'tokenizer_config.json' })
    expect(r.facts).toEqual({ format: 'chat-template', chat_templates: 2, chat_template_chars: 26 })
    expect(r.issues).toHaveLength(1)
    expect(r.issues[0]?.message).toMatch(/^The `chat_template\[tool_use\]` reaches Python internals/)
    const yaml = await inspectChatTemplateFile(src(Buffer.from('chat_template: "{{ config.__class__ }}"\n')), { path: 'c.yaml' })
    expect(yaml.issues).toHaveLength(1)
    const raw = await inspectChatTemplateFile(src(Buffer.from('{% for m in messages %}{{ m.content }}{% endfor %}')), { path: 't.j2' })
    expect(raw.issues).toEqual([])
    const none = await inspectChatTemplateFile(src(Buffer.from('{"model_max_length": 512}')), { path: 'tokenizer_config.json' })
    expect(none.facts.chat_templates).toBe(0)
  })
})
