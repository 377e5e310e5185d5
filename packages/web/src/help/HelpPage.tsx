import { Accordion, Alert, Stack, Text, Title } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { usePermissions } from '../session/permissions.ts';
import { sessionQueryOptions } from '../session/session.ts';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { topicsFor, type HelpScreen, type HelpTopic } from './help-topics.ts';

function Topic({ topic }: { topic: HelpTopic }) {
  const { t } = useTranslation();
  const { can } = usePermissions();
  const { data: session } = useQuery(sessionQueryOptions);
  const allowed = topic.permission === null || can(topic.permission);
  return (
    <Accordion.Item value={topic.key} data-testid={`help-topic-${topic.key}`}>
      <Accordion.Control>{t(`help.topics.${topic.key}.title`)}</Accordion.Control>
      <Accordion.Panel>
        <Stack gap="xs">
          <Text size="sm">{t(`help.topics.${topic.key}.body`)}</Text>
          {allowed || !session ? null : (
            <Alert color="gray" variant="light" icon={<IconLock size={16} aria-hidden />} p="xs">
              {t('help.notYourRole', { role: t(`role.${session.role}`) })}
            </Alert>
          )}
        </Stack>
      </Accordion.Panel>
    </Accordion.Item>
  );
}

/** Help: the topics for the screen the reader came from, open, then every other topic. */
export function HelpPage({ screen }: { screen: HelpScreen | undefined }) {
  const { t } = useTranslation();
  usePageTitle(t('nav.help'));
  const { here, others } = topicsFor(screen);
  return (
    <Stack gap="md" maw={860}>
      <Title order={1} size="h2">
        {t('nav.help')}
      </Title>
      {here.length > 0 && screen ? (
        <Stack gap="xs">
          <Title order={2} size="h4">
            {t('help.forScreen', { screen: t(`nav.${screen}`) })}
          </Title>
          <Accordion multiple defaultValue={here.map((topic) => topic.key)} variant="separated">
            {here.map((topic) => (
              <Topic key={topic.key} topic={topic} />
            ))}
          </Accordion>
        </Stack>
      ) : null}
      <Stack gap="xs">
        <Title order={2} size="h4">
          {here.length > 0 ? t('help.moreTopics') : t('help.allTopics')}
        </Title>
        <Accordion multiple variant="separated">
          {others.map((topic) => (
            <Topic key={topic.key} topic={topic} />
          ))}
        </Accordion>
      </Stack>
    </Stack>
  );
}
