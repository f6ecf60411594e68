import { Modal } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

interface DialogProps {
  opened: boolean;
  onClose: () => void;
  /** The dialog's name, shown as its heading (h2). */
  title: string;
  children: ReactNode;
}

/**
 * A modal dialog. Built from Mantine's parts so its header is a plain element, not a second "banner"
 * landmark next to the page header; the close button gets a translated name.
 */
export function Dialog({ opened, onClose, title, children }: DialogProps) {
  const { t } = useTranslation();
  return (
    <Modal.Root opened={opened} onClose={onClose} centered>
      <Modal.Overlay />
      <Modal.Content>
        <Modal.Header role="presentation">
          <Modal.Title component="h2" fz="lg" fw={700}>
            {title}
          </Modal.Title>
          <Modal.CloseButton aria-label={t('common.close')} />
        </Modal.Header>
        <Modal.Body>{children}</Modal.Body>
      </Modal.Content>
    </Modal.Root>
  );
}
