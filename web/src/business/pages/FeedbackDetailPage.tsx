import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { useBusiness } from '../BusinessContext';
import { formatDateTime, formatMoney, formatNumber } from '../common/format';
import { arr, asObj, num, str, type Json } from '../common/pick';
import { Badge, Card, Loaded, PageHeader } from '../common/ui';
import { useApi } from '../common/useApi';
import { sentimentTone } from './FeedbackPage';

/** One feedback: the conversation, score breakdown, categories, answers to the business's questions. */
export function FeedbackDetailPage() {
  const { t } = useTranslation('business');
  const { base } = useBusiness();
  const { feedbackId } = useParams();
  const res = useApi<Json>(`${base}/feedback/${feedbackId}`);
  return (
    <>
      <PageHeader title={t('feedback.detailTitle')}>
        <Link className="text-sm text-teal-800 underline" to="/business/feedback">{t('feedback.back')}</Link>
      </PageHeader>
      <Loaded res={res}>{(d) => <Detail d={asObj(d)} />}</Loaded>
    </>
  );
}

function Detail({ d }: { d: Json }) {
  const { t } = useTranslation('business');
  const { base } = useBusiness();
  // Answers carry only the question id; the text comes from the business's questions.
  const questions = useApi<{ items: { id: string; text: string }[] }>(`${base}/questions`);
  const questionText = (id: string | null) => questions.data?.items.find((q) => q.id === id)?.text ?? t('feedback.retiredQuestion');
  const breakdown = asObj(d.breakdown);
  const label = str(d, 'sentimentLabel');
  const turns = arr(d, 'turns', 'conversation');
  const answers = arr(d, 'questionAnswers', 'answers').filter((a) => a.answered !== false);
  const categories = Array.isArray(d.categories) ? (d.categories as string[]) : [];
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      <Card title={t('feedback.conversation')} className="lg:col-span-2">
        {turns.length === 0 ? (
          <p className="whitespace-pre-wrap text-sm">{str(d, 'text', 'summary') ?? '–'}</p>
        ) : (
          <ol className="flex flex-col gap-3">
            {turns.map((turn, i) => {
              const fromCustomer = (str(turn, 'role', 'speaker') ?? 'customer') === 'customer';
              return (
                <li key={i} className={`rounded-lg p-3 text-sm ${fromCustomer ? 'bg-stone-100' : 'bg-teal-50'}`}>
                  <p className="mb-1 text-xs font-medium text-stone-600">{fromCustomer ? t('feedback.customer') : t('feedback.assistant')}</p>
                  <p className="whitespace-pre-wrap">{str(turn, 'text', 'content') ?? ''}</p>
                </li>
              );
            })}
          </ol>
        )}
      </Card>
      <div className="flex flex-col gap-4">
        <Card title={t('feedback.score')}>
          <dl className="grid grid-cols-2 gap-2 text-sm">
            <dt>{t('feedback.score')}</dt><dd className="font-semibold">{formatNumber(num(d, 'qualityScore', 'score'))}</dd>
            <dt>{t('feedback.authenticity')}</dt><dd>{formatNumber(num(breakdown, 'authenticity'))}</dd>
            <dt>{t('feedback.concreteness')}</dt><dd>{formatNumber(num(breakdown, 'concreteness'))}</dd>
            <dt>{t('feedback.depth')}</dt><dd>{formatNumber(num(breakdown, 'depth'))}</dd>
            <dt>{t('feedback.sentiment')}</dt><dd>{label ? <Badge tone={sentimentTone(label)}>{t(`sentiment.${label}`)}</Badge> : '–'}</dd>
            <dt>{t('feedback.reward')}</dt><dd>{formatMoney(num(d, 'rewardMinor', 'rewardAmountMinor') ?? num(asObj(d.reward), 'amountMinor'))}</dd>
            <dt>{t('feedback.when')}</dt><dd>{formatDateTime(str(d, 'submittedAt', 'scoredAt'))}</dd>
            <dt>{t('feedback.location')}</dt><dd>{str(d, 'locationName') ?? '–'}</dd>
          </dl>
        </Card>
        <Card title={t('feedback.categories')}>
          <ul className="flex flex-wrap gap-2">{categories.map((c) => <li key={c}><Badge>{t(`categories.${c}`, { defaultValue: c })}</Badge></li>)}</ul>
        </Card>
        {answers.length > 0 && (
          <Card title={t('feedback.answers')}>
            <ul className="flex flex-col gap-2 text-sm">
              {answers.map((a, i) => (
                <li key={i}>
                  <p className="font-medium">{str(a, 'question', 'questionText') ?? questionText(str(a, 'questionId'))}</p>
                  <p className="text-stone-700">{str(a, 'answer', 'summary', 'text') ?? '–'}</p>
                </li>
              ))}
            </ul>
          </Card>
        )}
      </div>
    </div>
  );
}
