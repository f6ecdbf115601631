import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { useBusiness } from '../BusinessContext';
import { formatNumber } from '../common/format';
import { num, str, type Json } from '../common/pick';
import { Button, Card, Empty, ErrorBox, Field, Loaded, PageHeader, SavedNote, TextArea } from '../common/ui';
import { useAction, useApi } from '../common/useApi';
import type { BusinessSettings } from './RewardSettingsForm';

/** What the assistant and the scorer know about the business, and the business's own questions. */
export function ContextPage() {
  const { t } = useTranslation('business');
  const { base } = useBusiness();
  const settings = useApi<BusinessSettings>(`${base}/settings`);
  return (
    <>
      <PageHeader title={t('context.title')} />
      <p className="mb-4 max-w-3xl text-sm text-stone-700">{t('context.intro')}</p>
      <div className="grid gap-6 xl:grid-cols-2">
        <Loaded res={settings}>{(s) => <ContextForm settings={s} onSaved={settings.reload} />}</Loaded>
        <Questions />
      </div>
    </>
  );
}

function ContextForm({ settings, onSaved }: { settings: BusinessSettings; onSaved: () => void }) {
  const { t } = useTranslation('business');
  const { base, isOwner } = useBusiness();
  const [c, setC] = useState({ ...settings.context, staff: settings.context.staffNames.join(', ') });
  const [languages, setLanguages] = useState(settings.languages);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const context = { sells: c.sells, knownIssues: c.knownIssues, campaigns: c.campaigns, staffNames: c.staff.split(',').map((s) => s.trim()).filter(Boolean) };
    if (await action.run(() => api('PATCH', `${base}/settings`, { body: { context, languages } }))) {
      setSaved(true);
      onSaved();
    }
  }
  const toggle = (l: 'sv' | 'en') => setLanguages(languages.includes(l) ? languages.filter((x) => x !== l) : [...languages, l]);
  return (
    <Card title={t('context.about')}>
      <form onSubmit={(e) => void submit(e)} className="flex flex-col gap-3">
        <TextArea label={t('context.sells')} hint={t('context.sellsHint')} maxLength={2000} value={c.sells} disabled={!isOwner} onChange={(e) => setC({ ...c, sells: e.target.value })} />
        <Field label={t('context.staff')} hint={t('context.staffHint')} value={c.staff} disabled={!isOwner} onChange={(e) => setC({ ...c, staff: e.target.value })} />
        <TextArea label={t('context.knownIssues')} hint={t('context.knownIssuesHint')} maxLength={2000} value={c.knownIssues} disabled={!isOwner} onChange={(e) => setC({ ...c, knownIssues: e.target.value })} />
        <TextArea label={t('context.campaigns')} hint={t('context.campaignsHint')} maxLength={2000} value={c.campaigns} disabled={!isOwner} onChange={(e) => setC({ ...c, campaigns: e.target.value })} />
        <fieldset className="flex gap-4 text-sm">
          <legend className="mb-1 font-medium">{t('context.languages')}</legend>
          {(['sv', 'en'] as const).map((l) => (
            <label key={l} className="inline-flex items-center gap-1">
              <input type="checkbox" checked={languages.includes(l)} disabled={!isOwner} onChange={() => toggle(l)} /> {t(`context.lang.${l}`)}
            </label>
          ))}
        </fieldset>
        <ErrorBox error={action.error} />
        {isOwner && (
          <div className="flex items-center gap-3">
            <Button type="submit" disabled={action.busy || languages.length === 0}>{t('console:save')}</Button>
            <SavedNote show={saved} />
          </div>
        )}
      </form>
    </Card>
  );
}

function Questions() {
  const { t } = useTranslation('business');
  const { base, isOwner } = useBusiness();
  const res = useApi<{ items: Json[] }>(`${base}/questions`);
  const [text, setText] = useState('');
  const action = useAction();
  async function add(e: FormEvent) {
    e.preventDefault();
    if (await action.run(() => api('POST', `${base}/questions`, { body: { text: text.trim(), position: res.data?.items.length ?? 0 } }))) {
      setText('');
      res.reload();
    }
  }
  async function remove(id: string) {
    if (window.confirm(t('context.removeConfirm')) && (await action.run(() => api('DELETE', `${base}/questions/${id}`)) !== undefined)) res.reload();
  }
  return (
    <Card title={t('context.questions')}>
      <p className="mb-3 text-sm text-stone-700">{t('context.questionsIntro')}</p>
      <Loaded res={res}>
        {(d) =>
          d.items.length === 0 ? <Empty>{t('context.noQuestions')}</Empty> : (
            <ol className="flex flex-col gap-3">
              {d.items.map((q) => (
                <li key={str(q, 'id')} className="rounded-md border border-stone-200 p-3">
                  <div className="flex items-start justify-between gap-2">
                    <p className="font-medium">{str(q, 'text')}</p>
                    {isOwner && <Button variant="secondary" onClick={() => void remove(str(q, 'id') ?? '')}>{t('console:remove')}</Button>}
                  </div>
                  {num(q, 'answerCount') !== null && <p className="mt-1 text-xs text-stone-600">{t('context.answers', { count: num(q, 'answerCount') ?? 0, n: formatNumber(num(q, 'answerCount')) })}</p>}
                  {str(q, 'answerSummary', 'summary') && <p className="mt-1 text-sm text-stone-700">{str(q, 'answerSummary', 'summary')}</p>}
                </li>
              ))}
            </ol>
          )
        }
      </Loaded>
      {isOwner && (
        <form onSubmit={(e) => void add(e)} className="mt-4 flex flex-wrap items-end gap-2">
          <Field className="min-w-64 flex-1" label={t('context.newQuestion')} minLength={5} maxLength={300} value={text} onChange={(e) => setText(e.target.value)} />
          <Button type="submit" disabled={action.busy || text.trim().length < 5}>{t('context.add')}</Button>
        </form>
      )}
      <ErrorBox error={action.error} />
    </Card>
  );
}
