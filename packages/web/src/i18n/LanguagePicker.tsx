import { Button, Menu } from '@mantine/core';
import { IconCheck, IconChevronDown, IconLanguage } from '@tabler/icons-react';
import { languages } from '@tutti/protocol';
import { useTranslation } from 'react-i18next';
import { changeLanguage, currentLanguage, languageNames } from './i18n.ts';

export function LanguagePicker({ compact = false }: { compact?: boolean }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  return (
    <Menu position="bottom-end" withinPortal shadow="md" width={220}>
      <Menu.Target>
        <Button
          variant="subtle"
          color="gray"
          size="sm"
          px={compact ? 8 : 'sm'}
          leftSection={<IconLanguage size={18} aria-hidden />}
          rightSection={compact ? null : <IconChevronDown size={14} aria-hidden />}
          aria-label={`${t('shell.language')}: ${languageNames[language]}`}
          data-testid="language-picker"
        >
          {compact ? null : <span lang={language}>{languageNames[language]}</span>}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t('shell.language')}</Menu.Label>
        {languages.map((code) => (
          <Menu.Item
            key={code}
            lang={code}
            data-testid={`language-option-${code}`}
            rightSection={code === language ? <IconCheck size={16} aria-hidden /> : null}
            aria-current={code === language ? 'true' : undefined}
            onClick={() => void changeLanguage(code)}
          >
            {languageNames[code]}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
